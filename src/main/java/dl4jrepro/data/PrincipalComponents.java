package dl4jrepro.data;

import dl4jrepro.base.UserError;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * PCA fitted on the training split only: the top-k eigenvectors of its covariance. Projection subtracts the training
 * mean first, so it works whatever centring the preprocessing did.
 */
public final class PrincipalComponents {
    private final INDArray mean;
    private final INDArray components;
    private final double explainedVariance;

    private PrincipalComponents(INDArray mean, INDArray components, double explainedVariance) {
        this.mean = mean;
        this.components = components;
        this.explainedVariance = explainedVariance;
    }

    public static PrincipalComponents fit(INDArray train, int k) {
        if (k > train.columns()) {
            throw new UserError("data.pca=" + k + ": the data has only " + train.columns() + " features");
        }
        INDArray mean = train.mean(0);
        INDArray centred = train.subRowVector(mean);
        INDArray covariance = centred.transpose().mmul(centred).divi(train.rows() - 1).castTo(DataType.DOUBLE);
        // syev: eigenvalues ascending, eigenvectors overwrite the matrix column by column.
        INDArray eigenvalues = Eigen.symmetricGeneralizedEigenvalues(covariance, true);
        long d = train.columns();
        INDArray top = covariance.get(NDArrayIndex.all(), NDArrayIndex.interval(d - k, d));
        double kept = eigenvalues.get(NDArrayIndex.interval(d - k, d)).sumNumber().doubleValue();
        double total = eigenvalues.sumNumber().doubleValue();
        return new PrincipalComponents(mean, top.castTo(train.dataType()).dup(), kept / total);
    }

    public INDArray project(INDArray x) {
        return x.subRowVector(mean).mmul(components);
    }

    public double explainedVariance() {
        return explainedVariance;
    }
}

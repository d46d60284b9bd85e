package dl4jrepro.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/**
 * Train, validation and test splits as float feature rows and one-hot labels, preprocessed and ready for a network.
 *
 * @param provenance data set, files and their md5, split sizes, preprocessing: recorded with every run
 */
public record PreparedData(INDArray trainX, INDArray trainY, INDArray valX, INDArray valY, INDArray testX, INDArray testY,
                           int classes, Map<String, Object> provenance) {

    public int features() {
        return (int) trainX.columns();
    }

    /** The first {@code n} training rows only (smoke budgets); validation and test stay whole. */
    public PreparedData withTrainSubset(int n) {
        if (n >= trainX.rows()) return this;
        INDArray x = trainX.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        INDArray y = trainY.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
        return new PreparedData(x, y, valX, valY, testX, testY, classes, provenance);
    }
}

package dl4jrepro.speedups;

/**
 * An updater whose single-precision step is a loop over chunks of the gradient and its two state arrays, so that
 * {@link FusedUpdateStep} can run fit's division by the minibatch, L2 and parameter update in the same pass.
 */
interface ChunkedUpdater {
    /** The step at this learning rate and iteration (from 0), turning each chunk's gradient into the step DL4J subtracts. */
    StateLoops.FloatChunk floatStep(double learningRate, int iteration);
}

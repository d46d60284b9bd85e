package dl4jrepro.search;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.results.TrialStore;
import dl4jrepro.run.RunRequest;
import dl4jrepro.search.TrialPlan.Trial;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.speedups.SpeedupSetting;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Deque;
import java.util.List;

/**
 * A search's trials still to run, handed to a {@link TrialExecutor} with what running them needs.
 *
 * @param plan     every trial of the search, in plan order (a trial's index is its place here)
 * @param todo     the trials without a record, in the order to start them
 * @param dir      the search's results folder
 * @param data     this process's data (for the data checksum every record carries)
 * @param backend  this process's backend
 */
public record SearchWork(ExperimentSpec spec, RunRequest request, List<Trial> plan, Deque<Trial> todo, Path dir,
                         TrialStore store, DatasetRepository data, BackendInfo backend, SpeedupSetting speedups,
                         Progress progress, PrintStream out) {
}

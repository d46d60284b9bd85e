package dl4jrepro.search;

import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.run.RunRequest;
import dl4jrepro.spec.SpecCatalog;

/**
 * The main of a worker process of {@code run --parallel}: started by {@link WorkerPool} with the run's request as JSON,
 * it takes trials by number on standard input and answers on standard output ({@link SearchRunner#serveWorker}).
 */
public final class SearchWorker {
    private SearchWorker() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        try {
            RunRequest request = Json.MAPPER.readValue(args[0], RunRequest.class);
            SearchRunner.serveWorker(new SpecCatalog(request.experimentsDir()).load(request.experiment()), request,
                    System.in, System.out, System.err);
        } catch (UserError e) {
            System.err.println("error: " + e.getMessage());
            System.exit(UserError.EXIT_CODE);
        }
    }
}

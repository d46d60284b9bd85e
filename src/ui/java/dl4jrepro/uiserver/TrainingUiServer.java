package dl4jrepro.uiserver;

import org.deeplearning4j.ui.VertxUIServer;

/**
 * DL4J's training UI for {@code run --ui}, in a JVM of its own: it takes the StatsListener reports that training
 * processes post to {@code /remoteReceive} and shows them at {@code /train}.
 *
 * <p>Arguments: the port. Prints {@code ready PORT} once it listens. It stops when its standard input ends, which is
 * when the run that started it ends or dies, so no UI server outlives its run.
 */
public final class TrainingUiServer {
    private TrainingUiServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        // Multi-session: each trial of a search is a session of its own, at /train/<session id>.
        VertxUIServer ui = VertxUIServer.getInstance(port, true, null);
        ui.enableRemoteListener();
        System.out.println("ready " + ui.getPort());
        System.out.flush();
        while (System.in.read() != -1) {
            // nothing is sent on stdin; it only ends
        }
        ui.stop();
        System.exit(0);
    }
}

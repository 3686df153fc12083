package io.recsys.cli;

import io.recsys.cluster.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A standalone Flink cluster on this machine: a JobManager and TaskManagers as separate JVMs.",
        subcommands = {ClusterCommand.StartCommand.class, ClusterCommand.StopCommand.class})
final class ClusterCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the cluster and print the JobManager's REST address once every TaskManager has"
                    + " registered. Pids in DATA_DIR/jobmanager.pid and DATA_DIR/taskmanager-<n>.pid, logs in"
                    + " DATA_DIR/logs.")
    static final class StartCommand implements Callable<Integer> {

        @Option(names = "--data-dir", defaultValue = "./data", description = "Default: ${DEFAULT-VALUE}.")
        Path dataDir;

        @Option(names = "--taskmanagers", defaultValue = "2", description = "Default: ${DEFAULT-VALUE}.")
        int taskManagers;

        @Option(names = "--taskmanager-memory", defaultValue = "1536m",
                description = "Process size of each TaskManager (default: ${DEFAULT-VALUE}).")
        String taskManagerMemory;

        @Override
        public Integer call() throws Exception {
            StandaloneCluster cluster = StandaloneCluster.at(dataDir, Installation.flinkLib());
            String address = cluster.start(StandaloneCluster.Options.defaults().withTaskManagers(taskManagers)
                    .withTaskManagerMemory(taskManagerMemory));
            System.out.println(address);
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the cluster started from DATA_DIR (SIGTERM, then SIGKILL after 30 s).")
    static final class StopCommand implements Callable<Integer> {

        @Option(names = "--data-dir", defaultValue = "./data", description = "Default: ${DEFAULT-VALUE}.")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            int stopped = StandaloneCluster.at(dataDir, Installation.flinkLib()).stop(Duration.ofSeconds(30));
            System.out.println(stopped == 0 ? "no cluster was running from " + dataDir
                    : "stopped " + stopped + " processes");
            return 0;
        }
    }
}

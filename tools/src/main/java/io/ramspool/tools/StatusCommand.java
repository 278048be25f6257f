package io.ramspool.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ramspool status}: what a running relay says of its spool ({@code GET /ramspool}): usage
 * against the watermarks, the guard's state, the overflow, every queue, the last dump and the
 * checkpoint's lag. Unlike the other commands it needs the relay running, and takes no lock.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Print the running relay's spool status from its webadmin (GET /ramspool): capacity and"
        + " watermarks, intake state, overflow, queues, last dump and checkpoint lag.")
final class StatusCommand implements Callable<Integer> {
    static final String STATUS_PATH = "/ramspool";

    @Mixin
    ServerOptions server;

    @Option(names = "--json", description = "Print the server's JSON as it is.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonNode status = new WebadminClient(server.baseUri()).get(STATUS_PATH);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(status.toPrettyString());
        } else {
            new JsonPrinter(out).print(status);
        }
        return ExitCodes.OK;
    }
}

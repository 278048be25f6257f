package io.ramspool.tools;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ramspool live-dump}: asks a running relay to dump its spool now
 * ({@code POST /ramspool/dump}), for a backup before risky maintenance. The relay keeps taking
 * mail meanwhile. {@code ramspool dump} is the same for a stopped relay.
 */
@Command(name = "live-dump", mixinStandardHelpOptions = true,
    description = "Ask the running relay to dump its spool to its dump directory now (POST /ramspool/dump) and"
        + " print the dump's report. Refused (exit 3) while the continuous checkpoint runs: it already keeps"
        + " the dump directory current.")
final class LiveDumpCommand implements Callable<Integer> {
    static final String DUMP_PATH = "/ramspool/dump";

    @Mixin
    ServerOptions server;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JsonNode report = new WebadminClient(server.baseUri()).post(DUMP_PATH);
        PrintWriter out = spec.commandLine().getOut();
        new JsonPrinter(out).print(report);
        return report.path("damagedEntries").asLong() > 0 ? ExitCodes.DAMAGED : ExitCodes.OK;
    }
}

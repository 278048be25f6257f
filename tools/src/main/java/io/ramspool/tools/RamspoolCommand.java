package io.ramspool.tools;

import java.io.IOException;
import java.io.PrintWriter;

import io.ramspool.spool.internal.store.StoreLockedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ramspool} operator tool. It works on a spool that no server has open: every
 * command takes the spool's lock (and the dump directory's, when it writes there) and exits with
 * {@link ExitCodes#LOCKED} when a running server holds it. {@code status} and {@code live-dump} are
 * the exceptions: they talk to a running relay over its webadmin.
 */
@Command(name = "ramspool", mixinStandardHelpOptions = true, version = "ramspool tools 0.1.0",
    description = {"Dump, restore, verify, list and count the mail of a stopped ramspool relay;",
        "read the status of a running one (status) or have it dump now (live-dump)."},
    subcommands = {DumpCommand.class, RestoreCommand.class, VerifyCommand.class, ListCommand.class,
        StatsCommand.class, StatusCommand.class, LiveDumpCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:done, nothing damaged",
        "1:damaged, missing or unlisted entries found (restore: quarantined and counted)",
        "2:usage or configuration error",
        "3:I/O error (the message names the path or URL)",
        "4:spool or dump directory locked by a running server or tool"})
public final class RamspoolCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with ramspool's exit codes and error messages, for main and tests. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new RamspoolCommand());
        commandLine.setExecutionExceptionHandler(RamspoolCommand::handle);
        return commandLine;
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (e instanceof StoreLockedException) {
            err.println("ramspool: " + e.getMessage() + "; stop the server first");
            return ExitCodes.LOCKED;
        }
        if (e instanceof IllegalArgumentException) {
            err.println("ramspool: bad configuration: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof IOException) {
            err.println("ramspool: " + e.getMessage());
            return ExitCodes.IO_ERROR;
        }
        err.println("ramspool: unexpected failure: " + e);
        e.printStackTrace(err);
        return ExitCodes.IO_ERROR;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: dump, restore, verify, list"
            + " or stats");
    }
}

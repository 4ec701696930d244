package io.tenantry.provisioner.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantry.common.problem.ApiProblem;

/** What the command-line commands share: their arguments, following a long operation, and JSON output. */
@ApplicationScoped
class CommandOutput {

    @Inject
    ObjectMapper json;

    /** A command's body: its exit code, or null when the arguments name another command. */
    interface Command {
        Integer run() throws Exception;
    }

    /**
     * Runs the command, turning a refusal (a problem the API would answer) into exit code 1 and a command line
     * that cannot be understood into 2, each with its message on {@code err}.
     */
    static Integer refusalsAsExitCodes(String[] args, PrintStream err, String usage, Command command)
            throws Exception {
        try {
            return command.run();
        } catch (ApiProblem refused) {
            err.println(args[0] + " refused: " + refused.getMessage());
            return 1;
        } catch (IllegalArgumentException unclear) {
            err.println(unclear.getMessage() + "\nusage: " + usage);
            return 2;
        }
    }

    /** Prints the value as indented JSON; returns 0, the exit code of a command that printed what it was asked. */
    int print(Object value, PrintStream out) throws JsonProcessingException {
        out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        return 0;
    }

    /** Reads the operation every second, printing its progress, until it is finished. */
    static <T> T await(Supplier<T> read, Predicate<T> finished, PrintStream out, Function<T, String> progress)
            throws InterruptedException {
        while (true) {
            T current = read.get();
            out.println(progress.apply(current));
            if (finished.test(current)) {
                return current;
            }
            Thread.sleep(1000);
        }
    }

    /** Exactly {@code count} positional arguments after the command, and no flags. */
    static List<String> arguments(String[] args, int count) {
        List<String> given = List.of(args).subList(1, args.length);
        if (given.size() != count || given.stream().anyMatch(a -> a.startsWith("-"))) {
            throw new IllegalArgumentException(args[0] + " takes " + count + " argument(s) and no options");
        }
        return given;
    }
}

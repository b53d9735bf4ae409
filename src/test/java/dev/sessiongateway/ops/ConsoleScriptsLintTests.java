package dev.sessiongateway.ops;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * ESLint (the version pinned in {@code package.json} and {@code package-lock.json},
 * installed by {@code npm ci}) over the console's scripts: the recommended rules, and no
 * name the browser does not define. Without Node.js or {@code npm ci} the lint is skipped
 * with a message saying so, unless {@code CONSOLE_LINT=required} (set by
 * {@code .ci/run}), where it fails.
 */
class ConsoleScriptsLintTests {

	static final Path SCRIPTS = Path.of("src", "main", "resources", "static", "ops");

	static final Path ESLINT = Path.of("node_modules", "eslint", "bin", "eslint.js");

	/** The oldest Node.js that the pinned ESLint 9 runs on. */
	private static final int[] NODE_AT_LEAST = { 18, 18 };

	private static Path node;

	@BeforeAll
	static void findNodeAndEslint() throws Exception {
		Path found = onPath(System.getenv().getOrDefault("NODE", "node"));
		if (found == null) {
			skip("Node.js (node) is missing: install Debian's nodejs and npm, then run npm ci");
			return;
		}
		String version = run(List.of(found.toString(), "--version"), null).output().strip();
		if (!atLeast(version, NODE_AT_LEAST)) {
			skip("Node.js " + version + " is older than ESLint 9 needs (18.18)");
			return;
		}
		if (!Files.isRegularFile(ESLINT)) {
			skip("ESLint is not installed: run npm ci (it installs the version package-lock.json pins)");
			return;
		}
		node = found;
	}

	@Test
	void theConsoleScriptsPassTheLint() throws Exception {
		Result lint = eslint(List.of(SCRIPTS.toString()), null);

		assertThat(lint.exit()).as("ESLint over %s:%n%s", SCRIPTS, lint.output()).isZero();
	}

	@Test
	void aNameTheBrowserDoesNotDefineFailsTheLint() throws Exception {
		String script = """
				import { h } from './dom.js';

				export function probe() {
					document.title = h('span', {}, 'x').textContent;
					return error instanceof SignedOut;
				}
				""";

		Result lint = eslint(List.of("--stdin", "--stdin-filename", SCRIPTS.resolve("assets/probe.js").toString()),
				script);

		assertThat(lint.exit()).as(lint.output()).isEqualTo(1);
		assertThat(lint.output()).contains("'error' is not defined", "'SignedOut' is not defined", "no-undef")
			.doesNotContain("'document'");
	}

	private static Result eslint(List<String> arguments, @Nullable String stdin) throws Exception {
		List<String> command = new ArrayList<>(List.of(node.toString(), ESLINT.toString(), "--max-warnings", "0"));
		command.addAll(arguments);
		return run(command, stdin);
	}

	record Result(int exit, String output) {
	}

	private static Result run(List<String> command, @Nullable String stdin) throws Exception {
		Path output = Files.createTempFile("eslint-", ".txt");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			try (var in = process.getOutputStream()) {
				if (stdin != null) {
					in.write(stdin.getBytes(StandardCharsets.UTF_8));
				}
			}
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new IllegalStateException(command + " did not finish within 2 minutes");
			}
			return new Result(process.exitValue(), Files.readString(output));
		}
		finally {
			Files.delete(output);
		}
	}

	private static @Nullable Path onPath(String name) {
		if (name.contains(File.separator)) {
			return Files.isExecutable(Path.of(name)) ? Path.of(name) : null;
		}
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			Path candidate = Path.of(directory, name);
			if (!directory.isEmpty() && Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static boolean atLeast(String version, int[] least) {
		Matcher matcher = Pattern.compile("v?(\\d+)\\.(\\d+)").matcher(version);
		if (!matcher.lookingAt()) {
			return false;
		}
		int major = Integer.parseInt(matcher.group(1));
		int minor = Integer.parseInt(matcher.group(2));
		return major > least[0] || (major == least[0] && minor >= least[1]);
	}

	private static void skip(String why) {
		if ("required".equals(System.getenv("CONSOLE_LINT"))) {
			throw new IllegalStateException(why + " (CONSOLE_LINT=required)");
		}
		// straight to the build's console: the tests' own output goes to a report file
		new PrintStream(new FileOutputStream(FileDescriptor.err), true)
			.println("[WARNING] The console's script lint (ESLint) is SKIPPED: " + why);
		abort(why);
	}

}

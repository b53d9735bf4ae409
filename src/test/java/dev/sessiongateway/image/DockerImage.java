package dev.sessiongateway.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.image.Dockerfile.Instruction;
import dev.sessiongateway.image.Dockerfile.Stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The image a Dockerfile makes, laid out in a folder without Docker: the build stage's
 * {@code -Djarmode=tools} command run on the packaged jar, then the image stage's
 * {@code COPY} instructions carried out in their order, then its {@code java} commands
 * (the AOT cache's training run, with the stage's {@code ENV} and the variables the
 * command sets) and the {@code rm} that follows them. Other commands of the image stage
 * (users, folders) are not for this machine.
 * <p>
 * Each stage's file system is a folder under the work folder, except the working
 * directory of a build stage: that is the project, which the stage copies there and
 * builds. Commands run with the JDK running the build.
 */
final class DockerImage {

	private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");

	private final Dockerfile dockerfile;

	private final Path project;

	private final Path work;

	private DockerImage(Dockerfile dockerfile, Path project, Path work) {
		this.dockerfile = dockerfile;
		this.project = project;
		this.work = work;
	}

	/** Lays out the image in {@code work}, which is emptied first. */
	static DockerImage build(Path project, Path work) throws Exception {
		DockerImage image = new DockerImage(Dockerfile.read(project.resolve("Dockerfile")), project, work);
		deleteRecursively(work);
		Files.createDirectories(work);
		image.extractLayers();
		image.copyIntoImage();
		image.runJavaCommands();
		return image;
	}

	private Stage runtime() {
		return this.dockerfile.runtime();
	}

	/** The user the image runs as ({@code USER}), or {@code root} when it names none. */
	String user() {
		List<Instruction> users = runtime().all("USER");
		return users.isEmpty() ? "root" : users.getLast().arguments().split(":")[0];
	}

	/** The image's {@code ENV}. */
	Map<String, String> environment() {
		Map<String, String> environment = new LinkedHashMap<>();
		runtime().all("ENV").forEach((env) -> environment.putAll(Dockerfile.environment(env.arguments())));
		return environment;
	}

	/** The image's {@code ENTRYPOINT} (and {@code CMD}) as this machine runs it. */
	List<String> entrypoint() {
		List<Instruction> entrypoints = runtime().all("ENTRYPOINT");
		assertThat(entrypoints).as("the image's ENTRYPOINT").isNotEmpty();
		List<String> words = new ArrayList<>(Dockerfile.execForm(entrypoints.getLast().arguments()));
		List<Instruction> commands = runtime().all("CMD");
		if (!commands.isEmpty()) {
			words.addAll(Dockerfile.execForm(commands.getLast().arguments()));
		}
		return onHost(runtime(), words);
	}

	/** Where the entrypoint runs: the image's working directory. */
	Path workdir() {
		return onDisk(runtime(), runtime().workdir());
	}

	private void extractLayers() throws Exception {
		record Found(Stage stage, Instruction run, String command) {
		}
		List<Found> found = new ArrayList<>();
		for (Stage stage : this.dockerfile.stages()) {
			for (Instruction run : stage.all("RUN")) {
				for (String command : run.arguments().split("&&")) {
					if (command.contains("-Djarmode=tools")) {
						found.add(new Found(stage, run, command.strip()));
					}
				}
			}
		}
		assertThat(found).as("the Dockerfile's commands that extract the jar").hasSize(1);
		Found extract = found.getFirst();
		List<String> command = onHost(extract.stage(), Dockerfile.words(extract.command()));
		Path log = this.work.resolve("extract.log");
		Process process = new ProcessBuilder(command)
			.directory(onDisk(extract.stage(), extract.run().workdir()).toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		boolean done = process.waitFor(2, TimeUnit.MINUTES);
		if (!done) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		if (!done || process.exitValue() != 0) {
			fail("%s failed:%n%s", String.join(" ", command), Files.readString(log));
		}
	}

	private void runJavaCommands() throws Exception {
		int ran = 0;
		for (Instruction run : runtime().all("RUN")) {
			for (String command : run.arguments().split("&&")) {
				List<String> words = Dockerfile.words(command.strip());
				if (words.isEmpty()) {
					continue;
				}
				if (words.getFirst().equals("rm")) {
					for (String path : words.subList(1, words.size())) {
						if (!path.startsWith("-")) {
							remove(onDisk(runtime(), Dockerfile.resolve(run.workdir(), path)));
						}
					}
					continue;
				}
				Map<String, String> variables = new LinkedHashMap<>(environment());
				List<String> rest = words;
				if (rest.getFirst().equals("env")) {
					rest = rest.subList(1, rest.size());
					while (!rest.isEmpty() && rest.getFirst().contains("=")) {
						String pair = rest.getFirst();
						variables.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
						rest = rest.subList(1, rest.size());
					}
				}
				if (!rest.isEmpty() && rest.getFirst().equals("java")) {
					runOnHost(onHost(runtime(), rest), onDisk(runtime(), run.workdir()), variables, "run-" + ++ran);
				}
			}
		}
	}

	private void runOnHost(List<String> command, Path directory, Map<String, String> variables, String name)
			throws Exception {
		Path log = this.work.resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().clear();
		builder.environment().putAll(variables);
		Process process = builder.start();
		boolean done = process.waitFor(5, TimeUnit.MINUTES);
		if (!done) {
			process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		if (!done || process.exitValue() != 0) {
			fail("%s failed:%n%s", String.join(" ", command), Files.readString(log));
		}
	}

	/** {@code rm -rf}: a path, or the entries a trailing {@code *} names. */
	private static void remove(Path path) throws IOException {
		if (path.getFileName().toString().equals("*")) {
			Path folder = path.getParent();
			if (Files.isDirectory(folder)) {
				try (Stream<Path> entries = Files.list(folder)) {
					for (Path entry : entries.toList()) {
						deleteRecursively(entry);
					}
				}
			}
			return;
		}
		deleteRecursively(path);
	}

	private void copyIntoImage() throws IOException {
		List<Instruction> copies = runtime().all("COPY");
		assertThat(copies).as("the image's COPY instructions").isNotEmpty();
		for (Instruction copy : copies) {
			@Nullable Stage from = null;
			List<String> paths = new ArrayList<>();
			for (String word : Dockerfile.words(copy.arguments())) {
				if (word.startsWith("--from=")) {
					from = this.dockerfile.stage(word.substring("--from=".length()));
				}
				else if (!word.startsWith("--")) {
					paths.add(word);
				}
			}
			String destination = paths.removeLast();
			Path target = onDisk(runtime(), Dockerfile.resolve(copy.workdir(), destination));
			for (String source : paths) {
				assertThat(source).as("a COPY source without wildcards").doesNotContain("*", "?");
				Path origin = (from != null) ? onDisk(from, Dockerfile.resolve("/", source))
						: this.project.resolve(source);
				assertThat(origin).as("COPY %s", copy.arguments()).exists();
				if (Files.isDirectory(origin)) {
					copyContents(origin, target);
				}
				else {
					Path file = (destination.endsWith("/") || Files.isDirectory(target))
							? target.resolve(origin.getFileName()) : target;
					Files.createDirectories(file.getParent());
					Files.copy(origin, file, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	/**
	 * {@code java} is the JDK running the build; absolute paths are in the stage's
	 * folder.
	 */
	private List<String> onHost(Stage stage, List<String> words) {
		assertThat(words).as("a command the JDK runs").isNotEmpty().first().isEqualTo("java");
		List<String> command = new ArrayList<>();
		command.add(JAVA.toString());
		for (String word : words.subList(1, words.size())) {
			command.add(word.startsWith("/") ? onDisk(stage, word).toString() : word);
		}
		return command;
	}

	private Path onDisk(Stage stage, String path) {
		List<Instruction> runs = stage.all("RUN");
		if (stage != runtime() && !runs.isEmpty()) {
			String builtIn = runs.getLast().workdir();
			if (path.equals(builtIn) || path.startsWith(builtIn + "/")) {
				return this.project.resolve(path.substring(builtIn.length()).replaceFirst("^/", ""));
			}
		}
		return this.work.resolve("stages").resolve(stage.name()).resolve(path.substring(1));
	}

	private static void copyContents(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path path : (Iterable<Path>) paths::iterator) {
				Path target = to.resolve(from.relativize(path).toString());
				if (Files.isDirectory(path)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
				}
			}
		}
	}

	private static void deleteRecursively(Path root) throws IOException {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(path);
			}
		}
	}

}

package dev.sessiongateway.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The project's Dockerfile read the way {@code docker build} reads it, as far as the
 * image test needs: comments dropped, continued lines joined, instructions grouped into
 * stages, and each instruction with the working directory in effect where it stands.
 */
final class Dockerfile {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<Stage> stages;

	private Dockerfile(List<Stage> stages) {
		this.stages = stages;
	}

	static Dockerfile read(Path path) throws IOException {
		List<Stage> stages = new ArrayList<>();
		String workdir = "/";
		StringBuilder line = new StringBuilder();
		for (String physical : Files.readAllLines(path)) {
			if (physical.strip().startsWith("#")) {
				continue;
			}
			String stripped = physical.stripTrailing();
			if (stripped.endsWith("\\")) {
				line.append(stripped, 0, stripped.length() - 1).append(' ');
				continue;
			}
			line.append(stripped);
			String logical = line.toString().strip();
			line.setLength(0);
			if (logical.isEmpty()) {
				continue;
			}
			String[] parts = logical.split("\\s+", 2);
			String keyword = parts[0].toUpperCase(Locale.ROOT);
			String arguments = (parts.length > 1) ? parts[1].strip() : "";
			if (keyword.equals("FROM")) {
				String[] from = arguments.split("\\s+");
				String name = (from.length == 3 && from[1].equalsIgnoreCase("AS")) ? from[2]
						: String.valueOf(stages.size());
				stages.add(new Stage(name, new ArrayList<>()));
				workdir = "/";
				continue;
			}
			if (stages.isEmpty()) {
				throw new IllegalStateException(path + ": " + keyword + " before the first FROM");
			}
			if (keyword.equals("WORKDIR")) {
				workdir = resolve(workdir, arguments);
			}
			stages.getLast().instructions().add(new Instruction(keyword, arguments, workdir));
		}
		return new Dockerfile(List.copyOf(stages));
	}

	List<Stage> stages() {
		return this.stages;
	}

	/** The stage the image is made of: the last one. */
	Stage runtime() {
		return this.stages.getLast();
	}

	Stage stage(String name) {
		return this.stages.stream()
			.filter((stage) -> stage.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no stage named " + name));
	}

	/** A path inside a stage, absolute, against the working directory {@code workdir}. */
	static String resolve(String workdir, String path) {
		String joined = path.startsWith("/") ? path : workdir + "/" + path;
		List<String> names = new ArrayList<>();
		for (String name : joined.split("/")) {
			if (name.isEmpty() || name.equals(".")) {
				continue;
			}
			if (name.equals("..")) {
				if (!names.isEmpty()) {
					names.removeLast();
				}
				continue;
			}
			names.add(name);
		}
		return "/" + String.join("/", names);
	}

	/**
	 * The name-value pairs of an {@code ENV} instruction: {@code KEY=value} pairs, values
	 * optionally in double quotes, or the older {@code KEY value} form.
	 */
	static Map<String, String> environment(String arguments) {
		Map<String, String> pairs = new LinkedHashMap<>();
		String[] legacy = arguments.split("\\s+", 2);
		if (legacy[0].indexOf('=') < 0) {
			pairs.put(legacy[0], (legacy.length > 1) ? legacy[1] : "");
			return pairs;
		}
		for (String word : words(arguments)) {
			int equals = word.indexOf('=');
			if (equals < 1) {
				throw new IllegalArgumentException("ENV " + arguments + ": " + word + " is not KEY=value");
			}
			pairs.put(word.substring(0, equals), word.substring(equals + 1));
		}
		return pairs;
	}

	/** The arguments of an exec-form instruction ({@code ["java", "..."]}). */
	static List<String> execForm(String arguments) {
		if (!arguments.startsWith("[")) {
			throw new IllegalArgumentException(
					"not in exec form (a JSON array), so the JVM would not receive the container's signals: "
							+ arguments);
		}
		return List.of(JSON.readValue(arguments, String[].class));
	}

	/** Whitespace-separated words; double quotes group and are removed. */
	static List<String> words(String text) {
		List<String> words = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		boolean quoted = false;
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\' && i + 1 < text.length()) {
				word.append(text.charAt(++i));
				inWord = true;
			}
			else if (c == '"') {
				quoted = !quoted;
				inWord = true;
			}
			else if (Character.isWhitespace(c) && !quoted) {
				if (inWord) {
					words.add(word.toString());
					word.setLength(0);
					inWord = false;
				}
			}
			else {
				word.append(c);
				inWord = true;
			}
		}
		if (quoted) {
			throw new IllegalArgumentException("unbalanced quotes in: " + text);
		}
		if (inWord) {
			words.add(word.toString());
		}
		return words;
	}

	record Stage(String name, List<Instruction> instructions) {

		List<Instruction> all(String keyword) {
			return this.instructions.stream().filter((instruction) -> instruction.keyword().equals(keyword)).toList();
		}

		/** The working directory in effect at the end of the stage. */
		String workdir() {
			return this.instructions.isEmpty() ? "/" : this.instructions.getLast().workdir();
		}

	}

	/**
	 * One instruction.
	 *
	 * @param keyword upper case, for example {@code RUN}
	 * @param arguments the rest of the instruction, continued lines joined
	 * @param workdir the stage's working directory where the instruction stands
	 */
	record Instruction(String keyword, String arguments, String workdir) {

	}

}

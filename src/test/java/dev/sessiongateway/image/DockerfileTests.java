package dev.sessiongateway.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sessiongateway.image.Dockerfile.Instruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DockerfileTests {

	@TempDir
	Path folder;

	@Test
	void continuedLinesAreJoinedCommentsDroppedAndStagesNamed() throws Exception {
		Path file = this.folder.resolve("Dockerfile");
		Files.writeString(file, """
				# a comment
				FROM base AS build
				WORKDIR /src
				RUN make \\
				# a comment inside a continued line
				 && java -Djarmode=tools -jar app.jar extract
				FROM runtime
				WORKDIR /app
				WORKDIR data/..
				COPY --from=build /out/ ./
				""");

		Dockerfile dockerfile = Dockerfile.read(file);

		assertThat(dockerfile.stages()).extracting(Dockerfile.Stage::name).containsExactly("build", "1");
		List<Instruction> runs = dockerfile.stage("build").all("RUN");
		assertThat(runs).singleElement()
			.isEqualTo(new Instruction("RUN", "make   && java -Djarmode=tools -jar app.jar extract", "/src"));
		assertThat(dockerfile.runtime().workdir()).isEqualTo("/app");
		assertThat(dockerfile.runtime().all("COPY").getFirst().workdir()).isEqualTo("/app");
	}

	@Test
	void environmentReadsQuotedPairsAndTheOlderForm() {
		assertThat(Dockerfile.environment("JAVA_TOOL_OPTIONS=\"-Xa=1 -Xb\" LANG=C"))
			.isEqualTo(Map.of("JAVA_TOOL_OPTIONS", "-Xa=1 -Xb", "LANG", "C"));
		assertThat(Dockerfile.environment("JAVA_TOOL_OPTIONS -Xa=1 -Xb"))
			.isEqualTo(Map.of("JAVA_TOOL_OPTIONS", "-Xa=1 -Xb"));
	}

	@Test
	void anEntrypointInShellFormIsRefused() {
		assertThat(Dockerfile.execForm("[\"java\", \"Main\"]")).containsExactly("java", "Main");
		assertThatIllegalArgumentException().isThrownBy(() -> Dockerfile.execForm("java -jar app.jar"));
	}

}

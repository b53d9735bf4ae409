package dev.sessiongateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/modules.md}, the overview of the gateway's packages (what each owns, its
 * public types, which packages it uses), is made from the code and must match it. After a
 * change of the structure, write it anew with
 * {@code ./mvnw test -Dtest=ModuleOverviewTests -Dmodules.write=true}.
 */
class ModuleOverviewTests {

	private static final String BASE = "dev.sessiongateway";

	private static final Path OVERVIEW = Path.of("docs", "modules.md");

	private static final Pattern FIRST_SENTENCE = Pattern.compile("/\\*\\*\\s*(.*?)\\*/", Pattern.DOTALL);

	@Test
	void theModuleOverviewMatchesTheCode() throws IOException {
		String overview = overview();
		if (Boolean.getBoolean("modules.write")) {
			Files.writeString(OVERVIEW, overview, StandardCharsets.UTF_8);
		}
		assertThat(Files.readString(OVERVIEW, StandardCharsets.UTF_8))
			.as("docs/modules.md is out of date; write it anew with "
					+ "./mvnw test -Dtest=ModuleOverviewTests -Dmodules.write=true")
			.isEqualTo(overview);
	}

	static String overview() throws IOException {
		JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages(BASE);
		Map<String, Set<String>> publicTypes = new TreeMap<>();
		Map<String, Set<String>> uses = new TreeMap<>();
		for (JavaClass type : classes) {
			String module = module(type.getPackageName());
			if (module.isEmpty()) {
				continue;
			}
			publicTypes.computeIfAbsent(module, (name) -> new TreeSet<>());
			uses.computeIfAbsent(module, (name) -> new TreeSet<>());
			if (type.getModifiers().contains(JavaModifier.PUBLIC) && type.getEnclosingClass().isEmpty()) {
				publicTypes.get(module).add(type.getSimpleName());
			}
			for (Dependency dependency : type.getDirectDependenciesFromSelf()) {
				String used = module(dependency.getTargetClass().getPackageName());
				if (!used.isEmpty() && !used.equals(module)) {
					uses.get(module).add(used);
				}
			}
		}
		StringBuilder out = new StringBuilder();
		out.append("# Modules\n\n")
			.append("The gateway's packages under `dev.sessiongateway`: what each owns, the types other packages ")
			.append("may use, and the packages it uses. Made from the code by `ModuleOverviewTests`, which fails ")
			.append("when this page no longer matches it.\n\n")
			.append("```mermaid\nflowchart TD\n");
		uses.forEach((module, used) -> used
			.forEach((target) -> out.append("  ").append(module).append(" --> ").append(target).append('\n')));
		out.append("```\n\n| package | owns | public types | uses |\n|---|---|---|---|\n");
		for (String module : publicTypes.keySet()) {
			out.append("| `")
				.append(module)
				.append("` | ")
				.append(description(module))
				.append(" | ")
				.append(publicTypes.get(module).isEmpty() ? "-" : String.join(", ", publicTypes.get(module)))
				.append(" | ")
				.append(uses.get(module).isEmpty() ? "-" : String.join(", ", uses.get(module)))
				.append(" |\n");
		}
		return out.toString();
	}

	/**
	 * The top-level package under the base: {@code tracking} for {@code ...tracking.x}.
	 */
	private static String module(String packageName) {
		if (!packageName.startsWith(BASE + ".")) {
			return "";
		}
		String rest = packageName.substring(BASE.length() + 1);
		int dot = rest.indexOf('.');
		return (dot >= 0) ? rest.substring(0, dot) : rest;
	}

	/** The package's javadoc, as one line. */
	private static String description(String module) throws IOException {
		Path info = Path.of("src", "main", "java", "dev", "sessiongateway", module, "package-info.java");
		Matcher javadoc = FIRST_SENTENCE.matcher(Files.readString(info, StandardCharsets.UTF_8));
		if (!javadoc.find()) {
			return "";
		}
		return javadoc.group(1).replaceAll("\\s*\\*\\s*", " ").replaceAll("\\{@(?:code|link) ([^}]*)}", "`$1`").strip();
	}

}

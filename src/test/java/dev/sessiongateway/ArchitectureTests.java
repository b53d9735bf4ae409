package dev.sessiongateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the package arrows pointing one way: features use tracking, tracking knows no
 * provider and no HTTP, and the web package knows no feature (it maps the ledger's
 * exceptions); and the provider-neutral packages do not name a provider.
 */
class ArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.sessiongateway");

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.sessiongateway.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void trackingKnowsNoProviderNorItsCallers() {
		noClasses().that()
			.resideInAPackage("..tracking..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("..pathors..", "..konpro..", "..ops..", "..security..", "..upstream..", "..cleanup..")
			.check(CLASSES);
	}

	@Test
	void backgroundWorkReachesProvidersOnlyThroughTheLedgersPort() {
		noClasses().that()
			.resideInAPackage("..cleanup..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("..pathors..", "..konpro..", "..ops..", "..security..", "..upstream..", "..web..",
					"org.springframework.http..", "org.springframework.web..")
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("..tracking..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("..cleanup..")
			.check(CLASSES);
	}

	@Test
	void webKnowsNoFeatureOnlyTheLedgersExceptions() {
		// the gateway's own packages by their full names: the API description's models
		// live in io.swagger.v3.oas.models.security
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.web..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.pathors..", "dev.sessiongateway.konpro..",
					"dev.sessiongateway.ops..", "dev.sessiongateway.security..", "dev.sessiongateway.upstream..")
			.check(CLASSES);
	}

	@Test
	void trackingKnowsNoHttp() {
		noClasses().that()
			.resideInAPackage("..tracking..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("..web..", "org.springframework.http..", "org.springframework.web..",
					"jakarta.servlet..")
			.check(CLASSES);
	}

	@Test
	void repositoriesAreNotPublic() {
		classes().that()
			.areAssignableTo(org.springframework.data.repository.Repository.class)
			.should()
			.notBePublic()
			.check(CLASSES);
	}

	@Test
	void providersDoNotKnowEachOther() {
		noClasses().that()
			.resideInAPackage("..pathors..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("..konpro..")
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("..konpro..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("..pathors..")
			.check(CLASSES);
	}

	@Test
	void opsAndUpstreamDoNotKnowProviders() {
		noClasses().that()
			.resideInAnyPackage("..ops..", "..upstream..", "..security..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("..pathors..", "..konpro..")
			.check(CLASSES);
	}

	@Test
	void providerNeutralPackagesNameNoProvider() {
		classes().that()
			.resideInAnyPackage("dev.sessiongateway", "dev.sessiongateway.security..", "dev.sessiongateway.cleanup..")
			.should(nameNoProvider("pathors", "konpro"))
			.check(CLASSES);
	}

	/**
	 * No text in the class file (a string, an annotation's value, a name or a type it
	 * refers to) holds a provider's name, in any case: what differs by provider travels
	 * as data the provider's own package declares.
	 */
	private static ArchCondition<JavaClass> nameNoProvider(String... providers) {
		return new ArchCondition<>("name no provider") {

			@Override
			public void check(JavaClass type, ConditionEvents events) {
				String text = classFile(type).toLowerCase(Locale.ROOT);
				for (String provider : providers) {
					if (text.contains(provider)) {
						events.add(SimpleConditionEvent.violated(type, type.getName() + " names " + provider));
					}
				}
			}

		};
	}

	private static String classFile(JavaClass type) {
		Source source = type.getSource().orElseThrow();
		try (InputStream in = source.getUri().toURL().openStream()) {
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

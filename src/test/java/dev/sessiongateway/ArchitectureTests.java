package dev.sessiongateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the package arrows pointing one way: features use tracking, tracking knows no
 * provider and no HTTP, the web package knows no feature (it maps the ledger's
 * exceptions), and the simulators stand apart, reached through settings alone.
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
	void theSimulatorsKnowNothingOfTheGatewayAndOnlyItsLauncherKnowsThem() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.simulator..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.sessiongateway..")
				.and(resideOutsideOfPackage("dev.sessiongateway.simulator..")))
			.check(CLASSES);
		noClasses().that()
			.resideOutsideOfPackage("dev.sessiongateway.simulator..")
			.and()
			.doNotHaveFullyQualifiedName(SessionGatewayApplication.class.getName())
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sessiongateway.simulator..")
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

}

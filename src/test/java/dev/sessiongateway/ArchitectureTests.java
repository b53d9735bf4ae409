package dev.sessiongateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the package arrows pointing one way: features use tracking, tracking knows no
 * provider and no HTTP, and the web package knows no feature (it maps the ledger's
 * exceptions).
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
	void theLedgerKnowsNoOtherPackageOfTheGateway() {
		noClasses().that()
			.resideInAPackage("..ledger..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sessiongateway..")
			.andShould()
			.dependOnClassesThat()
			.resideOutsideOfPackages("dev.sessiongateway.ledger..", "java..", "javax.sql..", "org.jspecify..",
					"org.springframework.jdbc..", "org.springframework.transaction..", "org.springframework.beans..",
					"org.springframework.context..", "org.springframework.boot..", "com.zaxxer.hikari..",
					"io.micrometer..")
			.check(CLASSES);
	}

	@Test
	void theSessionRowAndItsHistoryAreTrackingsOwn() {
		classes().that()
			.resideInAPackage("..tracking..")
			.and()
			.haveSimpleNameStartingWith("Session")
			.and()
			.haveSimpleNameNotEndingWith("Exception")
			.and(com.tngtech.archunit.base.DescribedPredicate.describe("hold or write the row",
					(com.tngtech.archunit.core.domain.JavaClass type) -> java.util.Set
						.of("Session", "SessionTransition", "SessionRows", "SessionStore")
						.contains(type.getSimpleName())))
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

}

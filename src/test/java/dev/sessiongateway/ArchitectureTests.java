package dev.sessiongateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.Source;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Keeps the package arrows pointing one way: features use tracking, tracking knows no
 * provider and no HTTP, the web package knows no feature (it maps the ledger's
 * exceptions), upstream is outbound HTTP that knows no other package, the
 * provider-neutral packages do not name a provider, and the simulators stand apart,
 * reached through settings alone.
 */
class ArchitectureTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.sessiongateway");

	/**
	 * What answering a caller takes: Spring's web and HTTP types but the client side, the
	 * servlet API and the web server. Outbound HTTP needs only {@code RestClient} and its
	 * request factories ({@code org.springframework.web.client},
	 * {@code org.springframework.http.client}), URI templates
	 * ({@code org.springframework.web.util}) and the vocabulary a request and a reply
	 * share: headers, methods, statuses and media types.
	 */
	private static final DescribedPredicate<JavaClass> INBOUND_HTTP = resideInAnyPackage("org.springframework.http..",
			"org.springframework.web..")
		.and(not(resideInAnyPackage("org.springframework.http.client..", "org.springframework.web.client..",
				"org.springframework.web.util..")))
		.and(not(belongToAnyOf(HttpHeaders.class, HttpMethod.class, HttpStatus.class, HttpStatusCode.class,
				MediaType.class, HttpRequest.class)))
		.or(resideInAnyPackage("jakarta.servlet..", "org.apache.catalina..", "org.apache.tomcat..",
				"org.springframework.boot.web..", "org.springframework.boot.webmvc..",
				"org.springframework.boot.servlet..", "org.springframework.boot.tomcat.."))
		.as("answer inbound HTTP (ResponseEntity, ProblemDetail, Spring MVC, the servlet API, the web server)");

	@Test
	void packagesHaveNoCycles() {
		slices().matching("dev.sessiongateway.(*)..").should().beFreeOfCycles().check(CLASSES);
	}

	@Test
	void trackingKnowsNoProviderNorItsCallers() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.tracking..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.pathors..", "dev.sessiongateway.konpro..",
					"dev.sessiongateway.ops..", "dev.sessiongateway.security..", "dev.sessiongateway.upstream..",
					"dev.sessiongateway.cleanup..", "dev.sessiongateway.events..")
			.check(CLASSES);
	}

	/**
	 * Event delivery reads the outbox through tracking and calls receivers on an HTTP
	 * client of its own: it knows no provider, no caller-facing package, and answers no
	 * HTTP.
	 */
	@Test
	void eventDeliveryKnowsOnlyTracking() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.events..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.pathors..", "dev.sessiongateway.konpro..",
					"dev.sessiongateway.ops..", "dev.sessiongateway.security..", "dev.sessiongateway.upstream..",
					"dev.sessiongateway.cleanup..", "dev.sessiongateway.web..", "dev.sessiongateway.relay..")
			.orShould()
			.dependOnClassesThat(INBOUND_HTTP)
			.check(CLASSES);
	}

	@Test
	void backgroundWorkReachesProvidersOnlyThroughTheLedgersPort() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.cleanup..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.pathors..", "dev.sessiongateway.konpro..",
					"dev.sessiongateway.ops..", "dev.sessiongateway.security..", "dev.sessiongateway.upstream..",
					"dev.sessiongateway.web..", "org.springframework.http..", "org.springframework.web..")
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.tracking..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sessiongateway.cleanup..")
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
			.resideInAPackage("dev.sessiongateway.tracking..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.web..", "org.springframework.http..", "org.springframework.web..",
					"jakarta.servlet..")
			.check(CLASSES);
	}

	@Test
	void theLedgerKnowsNoOtherPackageOfTheGateway() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.ledger..")
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
			.resideInAPackage("dev.sessiongateway.tracking..")
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
			.resideInAPackage("dev.sessiongateway.pathors..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sessiongateway.konpro..")
			.check(CLASSES);
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.konpro..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sessiongateway.pathors..")
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
			.resideInAnyPackage("dev.sessiongateway.ops..", "dev.sessiongateway.upstream..",
					"dev.sessiongateway.security..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.pathors..", "dev.sessiongateway.konpro..")
			.check(CLASSES);
	}

	@Test
	void upstreamKnowsNoOtherPackageOfTheGateway() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.upstream..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.sessiongateway..")
				.and(not(resideInAPackage("dev.sessiongateway.upstream.."))))
			.check(CLASSES);
	}

	@Test
	void upstreamDoesOutboundHttpOnly() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.upstream..")
			.should()
			.dependOnClassesThat(INBOUND_HTTP)
			.check(CLASSES);
	}

	/**
	 * What provider replies mean is shared by the provider packages through relay: it
	 * knows none of them, and no provider-neutral package uses it, so that a third
	 * provider is a new package and nothing else.
	 */
	@Test
	void relayIsUsedByProvidersOnlyAndKnowsNone() {
		noClasses().that()
			.resideInAPackage("dev.sessiongateway.relay..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("dev.sessiongateway.pathors..", "dev.sessiongateway.konpro..",
					"dev.sessiongateway.ops..", "dev.sessiongateway.security..", "dev.sessiongateway.cleanup..")
			.check(CLASSES);
		noClasses().that()
			.resideInAnyPackage("dev.sessiongateway.tracking..", "dev.sessiongateway.ledger..",
					"dev.sessiongateway.cleanup..", "dev.sessiongateway.ops..", "dev.sessiongateway.security..",
					"dev.sessiongateway.web..", "dev.sessiongateway.upstream..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("dev.sessiongateway.relay..")
			.check(CLASSES);
	}

	/**
	 * Every package but the providers' own: what the API description shows of a provider
	 * (its routes, its webhook's secret, an export's example row) comes from the
	 * provider's package or from the configuration.
	 */
	@Test
	void providerNeutralPackagesNameNoProvider() {
		classes().that()
			.resideInAnyPackage("dev.sessiongateway", "dev.sessiongateway.security..", "dev.sessiongateway.cleanup..",
					"dev.sessiongateway.tracking..", "dev.sessiongateway.ledger..", "dev.sessiongateway.upstream..",
					"dev.sessiongateway.relay..", "dev.sessiongateway.web..", "dev.sessiongateway.ops..",
					"dev.sessiongateway.events..")
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

package dev.sessiongateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

import dev.sessiongateway.security.ConsoleSignInSources.Counts;
import dev.sessiongateway.security.ConsoleSignInSources.Source;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

/**
 * Keeps console sign-ins from being guessed at speed: each source (client address) and
 * all sources together may fail only so often ({@code gateway.console.sign-in-limit}, a
 * Bucket4j token bucket each); past that, attempts are refused with 429 before the key is
 * looked at, so a right key is refused too until the allowance refills. A successful
 * sign-in gives its attempt back. Failures are logged once per period and source with
 * their counts, not once each.
 * <p>
 * The allowances are held in this process: each replica counts its own. Memory is
 * bounded: at most {@code max-sources} sources are remembered
 * ({@link ConsoleSignInSources}), and sources whose allowance is full again are dropped
 * at each report.
 */
@Component
class ConsoleSignInLimits implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ConsoleSignInLimits.class);

	private final ConsoleProperties.SignInLimit limit;

	private final Bucket overall;

	/** Guarded by this. */
	private final ConsoleSignInSources sources;

	/** Attempts the overall allowance refused since the last report; guarded by this. */
	private int overallRefused;

	private final ScheduledExecutorService reports;

	ConsoleSignInLimits(ConsoleProperties properties) {
		this.limit = properties.signInLimit();
		this.overall = allowance(this.limit.overall());
		this.sources = new ConsoleSignInSources(this.limit.maxSources());
		this.reports = Executors
			.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("console-sign-in-report").factory());
		long period = this.limit.period().toMillis();
		this.reports.scheduleAtFixedRate(this::report, period, period, TimeUnit.MILLISECONDS);
	}

	/** Why a sign-in failed. */
	enum Failure {

		UNKNOWN_KEY, NO_OPS_ROLE

	}

	/** An attempt that was let through, from this source. */
	record Attempt(String source) {
	}

	/**
	 * Lets one sign-in attempt from this client address through, taking it from the
	 * allowances.
	 * @throws ProblemException {@code SIGN_IN_LIMIT_REACHED} (429, with Retry-After) when
	 * this source or all sources together have failed too often
	 */
	Attempt admit(String address) {
		String name = ConsoleSignInSources.of(address);
		ConsumptionProbe refused;
		synchronized (this) {
			Source source = this.sources.remember(name, () -> allowance(this.limit.perSource()));
			refused = source.allowance().tryConsumeAndReturnRemaining(1);
			if (refused.isConsumed()) {
				refused = this.overall.tryConsumeAndReturnRemaining(1);
				if (refused.isConsumed()) {
					return new Attempt(name);
				}
				source.allowance().addTokens(1);
				this.overallRefused++;
			}
			source.counts().limited++;
		}
		long seconds = Math.max(1, (refused.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
		throw new ProblemException(ProblemCode.SIGN_IN_LIMIT_REACHED,
				"Too many failed sign-ins; try again in " + seconds + " s.", List.of(), seconds);
	}

	/** The attempt signed in: it gives back what it took. */
	synchronized void succeeded(Attempt attempt) {
		Source source = this.sources.find(attempt.source());
		if (source != null) {
			source.allowance().addTokens(1);
		}
		this.overall.addTokens(1);
	}

	/** The attempt failed: it keeps what it took, and is counted for the next report. */
	synchronized void failed(Attempt attempt, Failure failure) {
		Counts counts = this.sources.countsOf(attempt.source());
		if (failure == Failure.UNKNOWN_KEY) {
			counts.unknownKey++;
		}
		else {
			counts.noOpsRole++;
		}
	}

	/**
	 * Logs the failures since the last report, one line per source (a warning for a
	 * source that reached the limit), and forgets the sources whose allowance is full
	 * again.
	 */
	void report() {
		List<Line> lines = new ArrayList<>();
		String period = this.limit.period().toSeconds() + " s";
		synchronized (this) {
			this.sources.drain((source, counts) -> {
				String from = (source != null) ? "from " + source : "from sources no longer remembered";
				lines.add(new Line(counts.limited > 0,
						"Console sign-ins refused " + from + " in the last " + period + ": " + counts));
			}, (source) -> source.allowance().getAvailableTokens() >= this.limit.perSource());
			if (this.overallRefused > 0) {
				lines.add(new Line(true, "Console sign-ins: the overall limit (" + this.limit.overall()
						+ " failures per " + period + ") refused " + this.overallRefused + " attempts"));
				this.overallRefused = 0;
			}
		}
		for (Line line : lines) {
			if (line.warning()) {
				log.warn(line.text());
			}
			else {
				log.info(line.text());
			}
		}
	}

	@Override
	public void close() {
		this.reports.shutdownNow();
		report();
	}

	private Bucket allowance(int perPeriod) {
		return Bucket.builder()
			.addLimit(Bandwidth.builder().capacity(perPeriod).refillGreedy(perPeriod, this.limit.period()).build())
			.build();
	}

	private record Line(boolean warning, String text) {
	}

}

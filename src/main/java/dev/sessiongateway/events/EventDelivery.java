package dev.sessiongateway.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

import dev.sessiongateway.tracking.EventOutbox;
import dev.sessiongateway.tracking.OutboxEvent;

/**
 * Delivers the outbox's events, one loop per replica on a virtual thread: claims a batch
 * of due events, sends them (at most {@code concurrency} at once), and records each
 * outcome on the row as its claim left it. A failed attempt is due again after a capped
 * exponential backoff with full jitter (or the receiver's {@code Retry-After}, if longer,
 * up to the cap); an event still failing {@code give-up-after} after the change it tells
 * of, or answered 410 Gone, is given up (FAILED), counted and logged once. A replica that
 * dies mid-delivery leaves its claims to any replica once their lease is over: the event
 * is sent again with the same {@code webhook-id}.
 */
final class EventDelivery implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventDelivery.class);

	/** How often delivered and given-up events past their retention are deleted. */
	static final Duration PURGE_INTERVAL = Duration.ofMinutes(10);

	static final int PURGE_BATCH = 500;

	private final EventOutbox outbox;

	private final EventTargets targets;

	private final EventsProperties settings;

	private final EventSender sender;

	private final Clock clock;

	private final EventMeters meters;

	private final boolean enabled;

	private final Semaphore slots;

	private final Map<String, EventSigner> signers = new ConcurrentHashMap<>();

	private final ExecutorService calls = Executors
		.newThreadPerTaskExecutor(Thread.ofVirtual().name("event-delivery-", 0).factory());

	private volatile boolean running;

	private @Nullable Thread loop;

	private final Object wake = new Object();

	EventDelivery(EventOutbox outbox, EventTargets targets, EventsProperties settings, EventSender sender, Clock clock,
			EventMeters meters, boolean enabled) {
		this.outbox = outbox;
		this.targets = targets;
		this.settings = settings;
		this.sender = sender;
		this.clock = clock;
		this.meters = meters;
		this.enabled = enabled;
		this.slots = new Semaphore(settings.concurrency());
	}

	/**
	 * Claims one batch of due events and delivers them, waiting for all.
	 * @return how many were claimed
	 */
	int deliverDue() {
		Instant now = this.clock.instant();
		List<OutboxEvent> claimed = this.outbox.claimDue(now, this.settings.batch(),
				now.plus(this.settings.claimLease()));
		List<Future<?>> inFlight = new ArrayList<>();
		for (OutboxEvent event : claimed) {
			inFlight.add(this.calls.submit(() -> {
				this.slots.acquireUninterruptibly();
				try {
					attempt(event);
				}
				finally {
					this.slots.release();
				}
			}));
		}
		for (Future<?> call : inFlight) {
			try {
				call.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (ExecutionException ex) {
				log.warn("an event delivery failed and is tried again once its claim runs out: {}",
						ex.getCause().toString());
			}
		}
		return claimed.size();
	}

	/** One attempt at one claimed event, and its outcome recorded. */
	void attempt(OutboxEvent event) {
		EventTarget target = this.targets.target(event.client());
		if (target == null) {
			giveUp(event, "the client has no event URL any more");
			return;
		}
		if (!this.settings.allows(target.url().getHost())) {
			giveUp(event, "the event URL's host is not in gateway.events.allowed-hosts any more");
			return;
		}
		long timestamp = this.clock.instant().getEpochSecond();
		String signature = this.signers.computeIfAbsent(event.client(), (client) -> new EventSigner(target.secret()))
			.sign(event.eventId(), timestamp, event.payload());
		EventSender.Result result = this.sender.send(target.url(), event.eventId(), timestamp, signature,
				event.payload());
		Instant now = this.clock.instant();
		switch (result) {
			case EventSender.Result.Delivered delivered -> {
				if (this.outbox.delivered(event, now)) {
					this.meters.delivered(event.type());
				}
			}
			case EventSender.Result.Gone gone -> giveUp(event, gone.error());
			case EventSender.Result.Failed failed -> {
				if (!now.isBefore(event.createdAt().plus(this.settings.giveUpAfter()))) {
					giveUp(event,
							"still failing " + this.settings.giveUpAfter() + " after the event: " + failed.error());
				}
				else if (this.outbox.failed(event, failed.error(),
						now.plus(delay(event.attempts(), failed.retryAfter())))) {
					this.meters.failed(event.type());
					log.debug("event {} ({}) for client {}: attempt {} failed: {}", event.eventId(),
							event.type().wireName(), event.client(), event.attempts(), failed.error());
				}
			}
		}
	}

	private void giveUp(OutboxEvent event, String error) {
		if (this.outbox.gaveUp(event, error, this.clock.instant())) {
			this.meters.givenUp(event.type());
			log.warn("event {} ({}) for client {} is given up after {} attempts: {}", event.eventId(),
					event.type().wireName(), event.client(), event.attempts(), error);
		}
	}

	/**
	 * The wait after {@code attempts} failed attempts: uniformly random up to
	 * {@code min(max-backoff, min-backoff × 2^(attempts-1))}, or the receiver's
	 * {@code Retry-After} if longer (up to max-backoff).
	 */
	Duration delay(int attempts, @Nullable Duration retryAfter) {
		int doublings = Math.clamp(attempts - 1, 0, 40);
		long min = this.settings.minBackoff().toMillis();
		long max = this.settings.maxBackoff().toMillis();
		long cap = (min <= (max >> doublings)) ? min << doublings : max;
		Duration jittered = Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap + 1));
		if (retryAfter != null && retryAfter.compareTo(jittered) > 0) {
			return (retryAfter.compareTo(this.settings.maxBackoff()) > 0) ? this.settings.maxBackoff() : retryAfter;
		}
		return jittered;
	}

	/** Deletes delivered and given-up events past their retention. */
	int purge() {
		return this.outbox.purge(this.clock.instant().minus(this.settings.retention()), PURGE_BATCH);
	}

	@Override
	public void start() {
		if (!this.enabled || this.running) {
			return;
		}
		this.running = true;
		this.loop = Thread.ofVirtual().name("event-delivery").start(this::run);
		log.info("event delivery started: due events every {} when idle, {} at once", this.settings.pollInterval(),
				this.settings.concurrency());
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		synchronized (this.wake) {
			this.wake.notifyAll();
		}
		Thread thread = this.loop;
		try {
			if (thread != null) {
				thread.join(this.settings.claimLease().toMillis());
			}
			this.calls.shutdown();
			this.calls.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Stops before the web server and the database pool go, with the other work. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

	private void run() {
		long purgeDue = System.nanoTime();
		boolean failing = false;
		while (this.running) {
			int claimed = 0;
			try {
				claimed = deliverDue();
				if (System.nanoTime() - purgeDue >= 0) {
					purgeDue = System.nanoTime() + PURGE_INTERVAL.toNanos();
					purge();
				}
				if (failing) {
					log.info("event delivery works again");
				}
				failing = false;
			}
			catch (RuntimeException ex) {
				if (!failing) {
					log.warn("event delivery failed and is tried again later: {}", ex.getMessage());
				}
				failing = true;
			}
			if (claimed < this.settings.batch()) {
				pause();
			}
		}
	}

	private void pause() {
		synchronized (this.wake) {
			if (!this.running) {
				return;
			}
			try {
				this.wake.wait(this.settings.pollInterval().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.running = false;
			}
		}
	}

}

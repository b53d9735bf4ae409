package dev.sessiongateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.github.bucket4j.Bucket;
import org.jspecify.annotations.Nullable;

/**
 * The sources of console sign-ins that {@link ConsoleSignInLimits} remembers: each with
 * its allowance and its failures since the last report, at most {@code max-sources} of
 * them, the least recently seen forgotten first (its failures are still reported, as
 * those of forgotten sources). Not thread-safe: {@link ConsoleSignInLimits} guards it.
 */
final class ConsoleSignInSources {

	private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");

	private final LinkedHashMap<String, Source> sources;

	private final Counts forgotten = new Counts();

	ConsoleSignInSources(int maxSources) {
		this.sources = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Source> eldest) {
				if (size() <= maxSources) {
					return false;
				}
				ConsoleSignInSources.this.forgotten.add(eldest.getValue().counts());
				return true;
			}

		};
	}

	/** The source with this name, remembered from now on if it was not. */
	Source remember(String name, Supplier<Bucket> allowance) {
		return this.sources.computeIfAbsent(name, (key) -> new Source(allowance.get(), new Counts()));
	}

	/** The source with this name, if it is still remembered. */
	@Nullable Source find(String name) {
		return this.sources.get(name);
	}

	/**
	 * The failures of a source, or of the forgotten ones when it is no longer remembered.
	 */
	Counts countsOf(String name) {
		Source source = this.sources.get(name);
		return (source != null) ? source.counts() : this.forgotten;
	}

	/**
	 * Hands every source's failures since the last time to {@code report} (those of the
	 * forgotten sources with a null name), starts counting again, and forgets the sources
	 * without failures that are {@code idle}.
	 */
	void drain(BiConsumer<@Nullable String, Counts> report, Predicate<Source> idle) {
		for (Iterator<Map.Entry<String, Source>> it = this.sources.entrySet().iterator(); it.hasNext();) {
			Map.Entry<String, Source> entry = it.next();
			Counts counts = entry.getValue().counts();
			if (counts.total() > 0) {
				report.accept(entry.getKey(), counts.copy());
				counts.clear();
			}
			else if (idle.test(entry.getValue())) {
				it.remove();
			}
		}
		if (this.forgotten.total() > 0) {
			report.accept(null, this.forgotten.copy());
			this.forgotten.clear();
		}
	}

	/**
	 * The source an address counts as: itself, or for IPv6 its /64 network (one host
	 * usually has a whole /64 to pick addresses from).
	 */
	static String of(String address) {
		if (address.indexOf(':') < 0 || !IPV6.matcher(address).matches()) {
			return address;
		}
		try {
			// an IPv6 literal (it starts with a hex digit or a colon): parsed, never
			// looked up
			byte[] bytes = InetAddress.getByName(address).getAddress();
			if (bytes.length != 16) {
				return address;
			}
			StringBuilder network = new StringBuilder();
			for (int i = 0; i < 8; i += 2) {
				network.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
			}
			return network.append(":/64").toString();
		}
		catch (UnknownHostException ex) {
			return address;
		}
	}

	/** A remembered source: its allowance, and its failures since the last report. */
	record Source(Bucket allowance, Counts counts) {
	}

	/** Failed attempts by why they failed. */
	static final class Counts {

		int unknownKey;

		int noOpsRole;

		int limited;

		int total() {
			return this.unknownKey + this.noOpsRole + this.limited;
		}

		void add(Counts other) {
			this.unknownKey += other.unknownKey;
			this.noOpsRole += other.noOpsRole;
			this.limited += other.limited;
		}

		Counts copy() {
			Counts copy = new Counts();
			copy.add(this);
			return copy;
		}

		void clear() {
			this.unknownKey = 0;
			this.noOpsRole = 0;
			this.limited = 0;
		}

		@Override
		public String toString() {
			List<String> parts = new ArrayList<>();
			if (this.unknownKey > 0) {
				parts.add(this.unknownKey + " with a key that matches no client");
			}
			if (this.noOpsRole > 0) {
				parts.add(this.noOpsRole + " with a key without the ops role");
			}
			if (this.limited > 0) {
				parts.add(this.limited + " over the limit");
			}
			return total() + " (" + String.join(", ", parts) + ")";
		}

	}

}

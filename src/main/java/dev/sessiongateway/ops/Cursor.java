package dev.sessiongateway.ops;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.tracking.SessionQueries.Position;
import dev.sessiongateway.web.ProblemException;

/**
 * The opaque paging cursor: the creation time and id of the last session of a page, bound
 * to the filter it was made for and checksummed, so that an edited or foreign cursor is
 * refused rather than silently misread.
 */
final class Cursor {

	private static final String VERSION = "v2";

	private Cursor() {
	}

	static String encode(Position last, SessionFilter filter) {
		String position = last.createdAt().getEpochSecond() + "." + last.createdAt().getNano() + "." + last.id();
		String payload = VERSION + "." + position + "." + checksum(position, filter);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.US_ASCII));
	}

	/** The position to continue after; null for the first page. */
	static @Nullable Position decode(@Nullable String cursor, SessionFilter filter) {
		if (cursor == null || cursor.isEmpty()) {
			return null;
		}
		try {
			String payload = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			String[] parts = payload.split("\\.", -1);
			if (parts.length == 5 && VERSION.equals(parts[0])) {
				String position = parts[1] + "." + parts[2] + "." + parts[3];
				if (Long.toString(checksum(position, filter)).equals(parts[4])) {
					Instant createdAt = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
					long id = Long.parseLong(parts[3]);
					if (id >= 0) {
						return new Position(createdAt, id);
					}
				}
			}
		}
		catch (IllegalArgumentException | DateTimeException | ArithmeticException ex) {
			// refused below
		}
		throw ProblemException.invalid("cursor", "is not a cursor from this listing with these filters");
	}

	private static long checksum(String position, SessionFilter filter) {
		CRC32 crc = new CRC32();
		crc.update((position + "|" + filter.fingerprint()).getBytes(StandardCharsets.UTF_8));
		return crc.getValue();
	}

}

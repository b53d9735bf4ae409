package dev.sessiongateway.ops;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.web.ProblemException;

/**
 * The opaque paging cursor: the last id of a page, bound to the filter it was made for
 * and checksummed, so that an edited or foreign cursor is refused rather than silently
 * misread.
 */
final class Cursor {

	private static final String VERSION = "v1";

	private Cursor() {
	}

	static String encode(long lastId, SessionFilter filter) {
		String payload = VERSION + "." + lastId + "." + checksum(lastId, filter);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.US_ASCII));
	}

	/** The id to continue after; 0 for the first page. */
	static long decode(@Nullable String cursor, SessionFilter filter) {
		if (cursor == null || cursor.isEmpty()) {
			return 0;
		}
		try {
			String payload = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			String[] parts = payload.split("\\.", -1);
			if (parts.length == 3 && VERSION.equals(parts[0])) {
				long lastId = Long.parseLong(parts[1]);
				if (lastId >= 0 && Long.toString(checksum(lastId, filter)).equals(parts[2])) {
					return lastId;
				}
			}
		}
		catch (IllegalArgumentException ex) {
			// refused below
		}
		throw ProblemException.invalid("cursor", "is not a cursor from this listing with these filters");
	}

	private static long checksum(long lastId, SessionFilter filter) {
		CRC32 crc = new CRC32();
		crc.update((lastId + "|" + filter.fingerprint()).getBytes(StandardCharsets.UTF_8));
		return crc.getValue();
	}

}

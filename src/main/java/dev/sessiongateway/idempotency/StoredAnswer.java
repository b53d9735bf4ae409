package dev.sessiongateway.idempotency;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * An answer as it is kept with its idempotency key: its status, the headers that say what
 * it is (its type, whether it may be cached, the lease of the session, when to try
 * again), and its body byte for byte. Headers of the one exchange (the request id, the
 * date, the length, cookies) are not kept: a retry gets its own.
 */
record StoredAnswer(int status, List<Header> headers, byte[] body) {

	/** The headers kept, as named in an answer. */
	static final List<String> KEPT = List.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.CACHE_CONTROL, "Gateway-Lease",
			HttpHeaders.RETRY_AFTER, HttpHeaders.LOCATION, "RateLimit-Policy", "RateLimit");

	private static final int FORMAT = 1;

	StoredAnswer {
		headers = List.copyOf(headers);
	}

	/** One header's value. */
	record Header(String name, String value) {
	}

	/** The answer as a retry gets it, marked as given again. */
	ResponseEntity<byte[]> replay(String replayedHeader) {
		ResponseEntity.BodyBuilder answer = ResponseEntity.status(this.status);
		for (Header header : this.headers) {
			answer.header(header.name(), header.value());
		}
		return answer.header(replayedHeader, "true").body(this.body);
	}

	byte[] bytes() {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(this.body.length + 256);
		try (DataOutputStream out = new DataOutputStream(bytes)) {
			out.writeByte(FORMAT);
			out.writeShort(this.status);
			out.writeShort(this.headers.size());
			for (Header header : this.headers) {
				out.writeUTF(header.name());
				out.writeUTF(header.value());
			}
			out.writeInt(this.body.length);
			out.write(this.body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

	/**
	 * Reads an answer written by {@link #bytes()}.
	 * @throws IOException when the bytes are not one
	 */
	static StoredAnswer read(byte[] bytes) throws IOException {
		try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
			if (in.readUnsignedByte() != FORMAT) {
				throw new IOException("not a stored answer of this format");
			}
			int status = in.readUnsignedShort();
			int count = in.readUnsignedShort();
			List<Header> headers = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				headers.add(new Header(in.readUTF(), in.readUTF()));
			}
			int length = in.readInt();
			if (length < 0 || length > bytes.length) {
				throw new IOException("a body longer than the answer");
			}
			byte[] body = in.readNBytes(length);
			if (body.length != length || in.read() != -1) {
				throw new IOException("an answer of another length");
			}
			return new StoredAnswer(status, headers, body);
		}
	}

}

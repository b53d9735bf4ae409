package dev.sessiongateway.idempotency;

import dev.sessiongateway.web.ProblemException;

/**
 * Reads the {@code Idempotency-Key} header: one Structured Field string (RFC 9651,
 * {@code sf-string}), as the draft defines it, such as
 * {@code "8e03978e-40d5-43e8-bc93-6894a57f9324"}; the key is what is between the quotes,
 * 1 to {@link #MAX_LENGTH} characters. Anything else (a bare token, two values, a
 * parameter, a character outside printable ASCII) is refused rather than guessed at: a
 * key read differently from what the caller meant would protect nothing.
 */
final class IdempotencyKeyHeader {

	/** The header's name. */
	static final String NAME = "Idempotency-Key";

	/** The longest key accepted. */
	static final int MAX_LENGTH = 255;

	private IdempotencyKeyHeader() {
	}

	/**
	 * The key a header value carries.
	 * @throws ProblemException 400 naming the header when it is not one string of 1 to
	 * {@value #MAX_LENGTH} characters
	 */
	static String parse(String value) {
		String text = value.strip();
		if (text.length() < 2 || text.charAt(0) != '"') {
			throw invalid();
		}
		StringBuilder key = new StringBuilder();
		int i = 1;
		while (true) {
			if (i >= text.length()) {
				throw invalid();
			}
			char c = text.charAt(i++);
			if (c == '"') {
				break;
			}
			if (c == '\\') {
				if (i >= text.length() || (text.charAt(i) != '"' && text.charAt(i) != '\\')) {
					throw invalid();
				}
				key.append(text.charAt(i++));
			}
			else if (c < 0x20 || c > 0x7e) {
				throw invalid();
			}
			else {
				key.append(c);
			}
		}
		if (i != text.length() || key.isEmpty() || key.length() > MAX_LENGTH) {
			throw invalid();
		}
		return key.toString();
	}

	private static ProblemException invalid() {
		return ProblemException.invalid(NAME,
				"must be one quoted string of 1 to " + MAX_LENGTH + " printable ASCII characters, sent once, such "
						+ "as Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
	}

}

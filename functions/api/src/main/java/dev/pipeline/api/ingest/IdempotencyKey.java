package dev.pipeline.api.ingest;

import dev.pipeline.api.http.Rejection;
import java.util.Collection;
import java.util.Map;

/**
 * The {@code Idempotency-Key} request header: optional, 1 to 255 printable ASCII
 * characters, sent once. With it a retry of a request gets the message id of the first
 * attempt ({@link dev.pipeline.core.MessageIds#forRetry}).
 */
final class IdempotencyKey {

	/** The header's name. */
	static final String HEADER = "Idempotency-Key";

	static final int MAX_LENGTH = 255;

	private IdempotencyKey() {
	}

	/**
	 * Reads the header from a message's headers, whatever the case of its name.
	 * @param headers the request's headers as the function got them
	 * @return the key, or {@code null} when the request has none
	 * @throws Rejection if it is empty, too long, not printable ASCII or sent more than
	 * once
	 */
	static String of(Map<String, Object> headers) {
		Object value = RequestHeaders.find(headers, HEADER);
		if (value == null) {
			return null;
		}
		if (value instanceof Collection<?> values) {
			if (values.size() != 1) {
				throw Rejection.invalidHeader(HEADER, "must be sent once");
			}
			value = values.iterator().next();
		}
		String key = String.valueOf(value);
		if (key.isEmpty() || key.length() > MAX_LENGTH || !printable(key)) {
			throw Rejection.invalidHeader(HEADER, "must be 1 to " + MAX_LENGTH + " printable ASCII characters");
		}
		return key;
	}

	private static boolean printable(String key) {
		for (int i = 0; i < key.length(); i++) {
			char c = key.charAt(i);
			if (c < 0x20 || c > 0x7e) {
				return false;
			}
		}
		return true;
	}

}

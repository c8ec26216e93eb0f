package dev.pipeline.api.ingest;

import java.util.Map;

/**
 * Reads a request header from the headers the function gets (function-web's message
 * headers keep the client's spelling; the ALB's are lower case): by its name in any case.
 */
final class RequestHeaders {

	private RequestHeaders() {
	}

	/**
	 * The value of a header, whatever the case of its name.
	 * @param headers the message headers
	 * @param name the header's name
	 * @return its value (a collection where it was sent more than once), or {@code null}
	 */
	static Object find(Map<String, Object> headers, String name) {
		Object value = headers.get(name);
		if (value != null) {
			return value;
		}
		for (Map.Entry<String, Object> header : headers.entrySet()) {
			if (name.equalsIgnoreCase(header.getKey())) {
				return header.getValue();
			}
		}
		return null;
	}

}

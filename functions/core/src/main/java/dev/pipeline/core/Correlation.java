package dev.pipeline.core;

import java.util.regex.Pattern;

/**
 * What follows one request from the API's log line to the worker's log line and to the
 * object: the API's request id (its {@code X-Request-Id}, of its own making), and the W3C
 * {@code traceparent} the client sent, if it sent a valid one. Both travel as message
 * attributes and end as object metadata; in logs the request id is {@value #LOG_KEY}.
 *
 * @param requestId the API's request id
 * @param traceparent the client's valid {@code traceparent}, or {@code null}
 */
public record Correlation(String requestId, String traceparent) {

	/** The key of the request id in log lines (the MDC), in both services. */
	public static final String LOG_KEY = "requestId";

	/** The key of the client's trace context in log lines. */
	public static final String TRACE_LOG_KEY = "traceparent";

	/** The message attribute and object metadata that hold the request id. */
	public static final String REQUEST_ID = "request-id";

	/** The message attribute and object metadata that hold the client's trace context. */
	public static final String TRACEPARENT = "traceparent";

	/** The longest {@code request-id} a message may carry into metadata and logs. */
	static final int MAX_REQUEST_ID = 64;

	// W3C Trace Context, level 1: version (not ff), trace id and parent id not all zeros.
	private static final Pattern TRACEPARENT_FORMAT = Pattern
		.compile("(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");

	private static final Pattern REQUEST_ID_FORMAT = Pattern.compile("[A-Za-z0-9-]{1," + MAX_REQUEST_ID + "}");

	/**
	 * The correlation of a request, keeping the client's {@code traceparent} only if it
	 * is valid: an invalid one is dropped, as the W3C recommendation says, never refused.
	 * @param requestId the API's request id
	 * @param traceparent the request's {@code traceparent} header, possibly {@code null}
	 * @return the correlation
	 */
	public static Correlation of(String requestId, String traceparent) {
		return new Correlation(requestId, isTraceparent(traceparent) ? traceparent : null);
	}

	/**
	 * The correlation a received message carries, with anything that is not a request id
	 * or a valid {@code traceparent} left out, so that nothing a producer invented
	 * reaches the logs or the metadata.
	 * @param requestId the {@value #REQUEST_ID} attribute, possibly {@code null}
	 * @param traceparent the {@value #TRACEPARENT} attribute, possibly {@code null}
	 * @return the correlation, with {@code null} for what is missing or not valid
	 */
	public static Correlation received(String requestId, String traceparent) {
		return new Correlation((requestId != null && REQUEST_ID_FORMAT.matcher(requestId).matches()) ? requestId : null,
				isTraceparent(traceparent) ? traceparent : null);
	}

	/**
	 * Tells whether a value is a W3C {@code traceparent} of a known shape.
	 * @param value the value, possibly {@code null}
	 * @return {@code true} if valid
	 */
	public static boolean isTraceparent(String value) {
		return value != null && value.length() == 55 && TRACEPARENT_FORMAT.matcher(value).matches();
	}

}

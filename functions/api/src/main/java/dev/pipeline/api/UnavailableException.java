package dev.pipeline.api;

import java.time.Duration;

/**
 * A dependency of the API cannot serve the request now; the client should retry after
 * {@link #retryAfter()}.
 */
public abstract class UnavailableException extends RuntimeException {

	private final String reason;

	private final Duration retryAfter;

	protected UnavailableException(String reason, String message, Duration retryAfter, Throwable cause) {
		super(message, cause);
		this.reason = reason;
		this.retryAfter = retryAfter;
	}

	/**
	 * A short, stable name of what failed, used as a metric tag.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * How long the client should wait before it retries.
	 * @return the delay, at least one second
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}

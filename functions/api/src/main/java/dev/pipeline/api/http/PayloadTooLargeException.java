package dev.pipeline.api.http;

/**
 * The body is larger than the configured limit.
 */
public class PayloadTooLargeException extends RuntimeException {

	private final long limit;

	PayloadTooLargeException(long limit) {
		super("The body is larger than " + limit + " bytes", null, false, false);
		this.limit = limit;
	}

	/**
	 * The limit the body broke.
	 * @return the limit in bytes
	 */
	public long limit() {
		return this.limit;
	}

}

package dev.pipeline.api.web;

/**
 * The body is larger than the configured limit.
 */
class PayloadTooLargeException extends RuntimeException {

	private final long limit;

	PayloadTooLargeException(long limit) {
		super("The body is larger than " + limit + " bytes", null, false, false);
		this.limit = limit;
	}

	long limit() {
		return this.limit;
	}

}

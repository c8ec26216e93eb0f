package dev.pipeline.api.ingest;

import java.util.List;

import dev.pipeline.api.ingest.InvalidDataException.FieldError;

/**
 * An authenticated request with a header the API reads ({@code Idempotency-Key}) that
 * breaks its rule. The error names the header, never repeats its value.
 */
public class InvalidHeaderException extends RuntimeException {

	private final FieldError error;

	InvalidHeaderException(String header, String message) {
		super("The " + header + " header " + message, null, false, false);
		this.error = new FieldError(header, message);
	}

	/**
	 * The broken rule, as a validation error naming the header.
	 * @return the errors, one
	 */
	public List<FieldError> errors() {
		return List.of(this.error);
	}

}

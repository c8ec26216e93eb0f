package dev.pipeline.api.ingest;

import java.util.List;

/**
 * An authenticated request whose {@code data} breaks a rule.
 */
public class InvalidDataException extends RuntimeException {

	private final List<FieldError> errors;

	InvalidDataException(List<FieldError> errors) {
		super("The data is not valid", null, false, false);
		this.errors = List.copyOf(errors);
	}

	/**
	 * Returns every rule the data breaks.
	 * @return the errors, at least one
	 */
	public List<FieldError> errors() {
		return this.errors;
	}

	/**
	 * One broken rule.
	 *
	 * @param field the JSON path of the member, e.g. {@code data.email_timestream}
	 * @param message what is wrong, for a person
	 */
	public record FieldError(String field, String message) {
	}

}

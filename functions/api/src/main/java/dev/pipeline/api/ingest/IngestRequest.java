package dev.pipeline.api.ingest;

import tools.jackson.core.JsonToken;

/**
 * A request body that is well-formed JSON of the right shape, not yet authenticated or
 * validated.
 *
 * @param token the {@code token} member if it is a string, else {@code null}
 * @param dataKind the first token of the {@code data} member, or {@code null} when absent
 * @param dataJson the {@code data} object exactly as received, when it is an object
 * @param timestream the scalar {@code data.email_timestream}, or {@code null} when absent
 */
record IngestRequest(String token, JsonToken dataKind, String dataJson, Scalar timestream) {

	/**
	 * One JSON value as the parser saw it.
	 *
	 * @param kind the value's token
	 * @param text the text of a scalar (number digits or string content), else
	 * {@code null}
	 */
	record Scalar(JsonToken kind, String text) {
	}

}

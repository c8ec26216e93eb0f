package dev.pipeline.api.ingest;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.pipeline.api.http.Rejection.FieldError;
import dev.pipeline.api.http.Rejection;
import tools.jackson.core.JsonToken;

/**
 * The rules of {@code data}: a JSON object whose {@code email_timestream} is Unix epoch
 * seconds, as an integer or a string of 1 to 12 digits, between 0 and one day from now;
 * and text that SQS can carry.
 */
class IngestValidator {

	static final String DATA = "data";

	static final String TIMESTREAM = "data.email_timestream";

	static final Duration FUTURE_ALLOWANCE = Duration.ofDays(1);

	private static final Pattern SECONDS_TEXT = Pattern.compile("[0-9]{1,12}");

	private static final Pattern MILLIS_TEXT = Pattern.compile("[0-9]{13}");

	private static final String MILLIS_HINT = "; it has 13 digits and looks like milliseconds: send seconds "
			+ "(divide by 1000)";

	/**
	 * Checks the data rules.
	 * @param request a parsed request
	 * @param now the current instant
	 * @throws Rejection if any rule is broken, listing all of them
	 */
	void validate(IngestRequest request, Instant now) {
		List<FieldError> errors = new ArrayList<>(2);
		if (request.dataKind() == null) {
			errors.add(new FieldError(DATA, "is required"));
		}
		else if (request.dataKind() != JsonToken.START_OBJECT) {
			errors.add(new FieldError(DATA, "must be a JSON object"));
		}
		else {
			checkTimestream(request.timestream(), now, errors);
			checkCharacters(request.dataJson(), errors);
		}
		if (!errors.isEmpty()) {
			throw Rejection.invalidData(errors);
		}
	}

	private static void checkTimestream(IngestRequest.Scalar value, Instant now, List<FieldError> errors) {
		if (value == null || value.kind() == JsonToken.VALUE_NULL) {
			errors.add(new FieldError(TIMESTREAM, "is required: Unix epoch seconds, e.g. 1764201600"));
			return;
		}
		BigInteger seconds;
		if (value.kind() == JsonToken.VALUE_NUMBER_INT) {
			seconds = new BigInteger(value.text());
			if (seconds.abs().toString().length() == 13) {
				errors.add(new FieldError(TIMESTREAM, "is out of range" + MILLIS_HINT));
				return;
			}
		}
		else if (value.kind() == JsonToken.VALUE_STRING) {
			if (MILLIS_TEXT.matcher(value.text()).matches()) {
				errors.add(new FieldError(TIMESTREAM, "must be a string of 1 to 12 digits" + MILLIS_HINT));
				return;
			}
			if (!SECONDS_TEXT.matcher(value.text()).matches()) {
				errors.add(new FieldError(TIMESTREAM, "must be a string of 1 to 12 digits (Unix epoch seconds)"));
				return;
			}
			seconds = new BigInteger(value.text());
		}
		else if (value.kind() == JsonToken.VALUE_NUMBER_FLOAT) {
			errors.add(new FieldError(TIMESTREAM, "must be whole Unix epoch seconds, not a fraction or exponent"));
			return;
		}
		else {
			errors.add(new FieldError(TIMESTREAM,
					"must be Unix epoch seconds as an integer or a string of 1 to 12 digits"));
			return;
		}
		long latest = now.plus(FUTURE_ALLOWANCE).getEpochSecond();
		if (seconds.signum() < 0 || seconds.compareTo(BigInteger.valueOf(latest)) > 0) {
			errors.add(new FieldError(TIMESTREAM, "must be between 0 and one day from now (" + latest + ")"));
		}
	}

	private static void checkCharacters(String json, List<FieldError> errors) {
		int index = 0;
		while (index < json.length()) {
			int codePoint = json.codePointAt(index);
			if (!carriedBySqs(codePoint)) {
				errors.add(new FieldError(DATA, "contains the character U+" + String.format("%04X", codePoint)
						+ ", which SQS cannot carry; escape it as \\u" + String.format("%04x", codePoint)));
				return;
			}
			index += Character.charCount(codePoint);
		}
	}

	/**
	 * The characters SQS allows in a message: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000
	 * to #xFFFD | #x10000 to #x10FFFF.
	 */
	private static boolean carriedBySqs(int c) {
		return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
				|| (c >= 0x10000 && c <= 0x10FFFF);
	}

}

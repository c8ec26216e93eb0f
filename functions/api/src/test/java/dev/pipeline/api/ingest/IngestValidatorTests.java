package dev.pipeline.api.ingest;

import dev.pipeline.api.http.Rejection;
import dev.pipeline.api.http.Rejections;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.pipeline.api.http.Rejection.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IngestValidatorTests {

	private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

	private static final long TOMORROW = NOW.getEpochSecond() + 86_400;

	private final IngestRequestParser parser = new IngestRequestParser(32);

	private final IngestValidator validator = new IngestValidator();

	@Test
	void acceptsTheFirstSeedExample() {
		assertValid("{\"token\":\"t\",\"data\":{\"email_timestream\":1764201600,\"hello\":\"world\"}}");
	}

	@Test
	void acceptsTheFourFieldSeedExampleWithAStringTimestamp() {
		assertValid("{\"token\":\"t\",\"data\":{\"email_subject\":\"Hi\",\"email_sender\":\"a@example.com\","
				+ "\"email_timestream\":\"1764201600\",\"email_content\":\"Hello there\"}}");
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "\"0\"", "\"000000000001\"", "1" })
	void acceptsTheLowerBoundAndShortValues(String value) {
		assertValid(data(value));
	}

	@Test
	void rejectsTwelveDigitsBeyondTomorrow() {
		assertInvalid(data("999999999999"), IngestValidator.TIMESTREAM, "between 0 and one day from now");
		assertInvalid(data("\"999999999999\""), IngestValidator.TIMESTREAM, "between 0 and one day from now");
	}

	@Test
	void acceptsExactlyOneDayAheadAndNoMore() {
		assertValid(data(Long.toString(TOMORROW)));
		assertValid(data("\"" + TOMORROW + "\""));
		assertInvalid(data(Long.toString(TOMORROW + 1)), IngestValidator.TIMESTREAM, "one day from now");
		assertInvalid(data("\"" + (TOMORROW + 1) + "\""), IngestValidator.TIMESTREAM, "one day from now");
	}

	@Test
	void rejectsNegativeSeconds() {
		assertInvalid(data("-1"), IngestValidator.TIMESTREAM, "between 0");
		assertInvalid(data("\"-1\""), IngestValidator.TIMESTREAM, "1 to 12 digits");
	}

	@Test
	void hintsAtMillisecondsForThirteenDigits() {
		assertInvalid(data("1764201600000"), IngestValidator.TIMESTREAM, "looks like milliseconds");
		assertInvalid(data("\"1764201600000\""), IngestValidator.TIMESTREAM, "looks like milliseconds");
	}

	@Test
	void rejectsOtherKindsOfTimestamp() {
		assertInvalid(data("1764201600.0"), IngestValidator.TIMESTREAM, "not a fraction");
		assertInvalid(data("1.7642016E9"), IngestValidator.TIMESTREAM, "not a fraction");
		assertInvalid(data("true"), IngestValidator.TIMESTREAM, "integer or a string");
		assertInvalid(data("{\"s\":1}"), IngestValidator.TIMESTREAM, "integer or a string");
		assertInvalid(data("[1764201600]"), IngestValidator.TIMESTREAM, "integer or a string");
		assertInvalid(data("\"\""), IngestValidator.TIMESTREAM, "1 to 12 digits");
		assertInvalid(data("\" 1764201600\""), IngestValidator.TIMESTREAM, "1 to 12 digits");
		assertInvalid(data("\"+1764201600\""), IngestValidator.TIMESTREAM, "1 to 12 digits");
		assertInvalid(data("\"1764201600x\""), IngestValidator.TIMESTREAM, "1 to 12 digits");
		assertInvalid(data("\"17642016000000\""), IngestValidator.TIMESTREAM, "1 to 12 digits");
		assertInvalid(data("123456789012345678901234567890"), IngestValidator.TIMESTREAM, "between 0");
	}

	@Test
	void requiresTheTimestamp() {
		assertInvalid("{\"data\":{\"hello\":\"world\"}}", IngestValidator.TIMESTREAM, "is required");
		assertInvalid(data("null"), IngestValidator.TIMESTREAM, "is required");
	}

	@Test
	void requiresDataToBeAnObject() {
		assertInvalid("{\"token\":\"t\"}", IngestValidator.DATA, "is required");
		assertInvalid("{\"data\":null}", IngestValidator.DATA, "JSON object");
		assertInvalid("{\"data\":\"text\"}", IngestValidator.DATA, "JSON object");
		assertInvalid("{\"data\":[]}", IngestValidator.DATA, "JSON object");
	}

	@Test
	void rejectsCharactersSqsCannotCarry() {
		assertInvalid("{\"data\":{\"email_timestream\":1,\"x\":\"\uFFFF\"}}", IngestValidator.DATA, "U+FFFF");
		assertValid("{\"data\":{\"email_timestream\":1,\"x\":\"\\uFFFF \uD83D\uDCE7\"}}");
	}

	private static String data(String timestream) {
		return "{\"token\":\"t\",\"data\":{\"email_timestream\":" + timestream + "}}";
	}

	private void assertValid(String body) {
		IngestRequest request = this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
		assertThatCode(() -> this.validator.validate(request, NOW)).doesNotThrowAnyException();
	}

	private void assertInvalid(String body, String field, String message) {
		IngestRequest request = this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.validator.validate(request, NOW))
			.satisfies(Rejections.rejected("invalid-data"))
			.satisfies((ex) -> assertThat(ex.errors()).singleElement().satisfies((FieldError error) -> {
				assertThat(error.field()).isEqualTo(field);
				assertThat(error.message()).contains(message);
			}));
	}

}

package dev.pipeline.api.ingest;

import dev.pipeline.api.http.Rejection;
import dev.pipeline.api.http.Rejections;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class IngestRequestParserTests {

	private final IngestRequestParser parser = new IngestRequestParser(8);

	@Test
	void cutsDataOutOfTheBodyByteForByte() {
		String data = "{ \"email_timestream\" : 1764201600,\n \"hello\": \"wörld ✉\", \"n\": 1.50e3, \"z\": [1, {\"a\": null}] }";
		IngestRequest request = parse("{\"token\":\"t0k\",  \"data\": " + data + " }");
		assertThat(request.token()).isEqualTo("t0k");
		assertThat(request.dataKind()).isEqualTo(JsonToken.START_OBJECT);
		assertThat(request.dataJson()).isEqualTo(data);
		assertThat(request.timestream()).isEqualTo(new IngestRequest.Scalar(JsonToken.VALUE_NUMBER_INT, "1764201600"));
	}

	@Test
	void keepsMembersInTheOrderReceivedWhenDataComesFirst() {
		IngestRequest request = parse("{\"data\":{\"b\":1,\"a\":2,\"email_timestream\":\"17\"},\"token\":\"x\"}");
		assertThat(request.dataJson()).isEqualTo("{\"b\":1,\"a\":2,\"email_timestream\":\"17\"}");
		assertThat(request.timestream()).isEqualTo(new IngestRequest.Scalar(JsonToken.VALUE_STRING, "17"));
	}

	@Test
	void acceptsAUtf8ByteOrderMark() {
		IngestRequest request = parse("\uFEFF{\"token\":\"t\",\"data\":{\"é\":\"✉\"}}");
		assertThat(request.token()).isEqualTo("t");
		assertThat(request.dataJson()).isEqualTo("{\"é\":\"✉\"}");
	}

	@Test
	void reportsTheKindOfEveryTimestreamValue() {
		assertThat(parse("{\"data\":{\"email_timestream\":1.5}}").timestream().kind())
			.isEqualTo(JsonToken.VALUE_NUMBER_FLOAT);
		assertThat(parse("{\"data\":{\"email_timestream\":{\"a\":1}}}").timestream().kind())
			.isEqualTo(JsonToken.START_OBJECT);
		assertThat(parse("{\"data\":{\"email_timestream\":[1]}}").timestream().kind()).isEqualTo(JsonToken.START_ARRAY);
		assertThat(parse("{\"data\":{\"email_timestream\":null}}").timestream().kind()).isEqualTo(JsonToken.VALUE_NULL);
		assertThat(parse("{\"data\":{\"nested\":{\"email_timestream\":1}}}").timestream()).isNull();
	}

	@Test
	void treatsATokenThatIsNotAStringAsMissing() {
		assertThat(parse("{\"token\":123,\"data\":{}}").token()).isNull();
		assertThat(parse("{\"token\":{\"a\":\"b\"},\"data\":{}}").token()).isNull();
		assertThat(parse("{\"data\":{}}").token()).isNull();
	}

	@Test
	void leavesDataRulesToTheValidator() {
		IngestRequest missing = parse("{\"token\":\"t\"}");
		assertThat(missing.dataKind()).isNull();
		IngestRequest array = parse("{\"token\":\"t\",\"data\":[1,2]}");
		assertThat(array.dataKind()).isEqualTo(JsonToken.START_ARRAY);
		assertThat(array.dataJson()).isNull();
	}

	@Test
	void rejectsWhatIsNotOneJsonObject() {
		assertMalformed("", "JSON object");
		assertMalformed("[]", "JSON object");
		assertMalformed("\"text\"", "JSON object");
		assertMalformed("{\"token\":\"t\"", "not well-formed");
		assertMalformed("{\"token\":\"t\"} {}", "exactly one");
		assertMalformed("{\"token\":\"t\",}", "not well-formed");
		assertMalformed("{token:\"t\"}", "not well-formed");
	}

	@Test
	void rejectsUnknownTopLevelMembersWithoutEchoingThem() {
		assertThatExceptionOfType(Rejection.class)
			.isThrownBy(() -> parse("{\"token\":\"t\",\"data\":{},\"secret-name\":1}"))
			.satisfies(Rejections.rejected("malformed-request"))
			.withMessageContaining("only 'token' and 'data'")
			.withMessageNotContaining("secret-name");
	}

	@Test
	void rejectsRepeatedMembersAnywhere() {
		assertMalformed("{\"token\":\"a\",\"token\":\"b\"}", "repeats");
		assertMalformed("{\"data\":{\"x\":1,\"x\":2}}", "repeats");
	}

	@Test
	void rejectsJsonBeyondTheParserLimitsNamingWhichLimit() {
		String deep = "{\"data\":" + "[".repeat(20) + "]".repeat(20) + "}";
		assertMalformed(deep, "nested deeper than 8");
		assertMalformed("{\"data\":{\"n\":" + "1".repeat(1001) + "}}", "longer than the parser allows");
		String fine = "{\"data\":{\"a\":" + "[".repeat(5) + "]".repeat(5) + "}}";
		assertThat(parse(fine).dataJson()).isEqualTo("{\"a\":[[[[[]]]]]}");
	}

	@Test
	void rejectsBytesThatAreNotUtf8() {
		assertMalformed(withBytes("{\"token\":\"", "\"}"), "not well-formed");
		assertMalformed(withBytes("{\"data\":{\"x\":\"", "\"}}"), "not well-formed");
		assertMalformed(withBytes("{\"data\":{\"x\":[\"", "\"]}}"), "not well-formed");
		assertMalformed("{\"data\":{}}".getBytes(StandardCharsets.UTF_16), "NUL");
	}

	@Test
	void rejectsOverlongAndStrayUtf8SequencesInsideSkippedStrings() {
		assertMalformed(withBytes("{\"data\":{\"x\":\"", "\"}}", (byte) 0xA0, (byte) 0xA1), "UTF-8");
		assertMalformed(withBytes("{\"data\":{\"x\":\"", "\"}}", (byte) 0xC0, (byte) 0xAF), "UTF-8");
		assertMalformed(withBytes("{\"data\":{\"x\":\"", "\"}}", (byte) 0xED, (byte) 0xA0, (byte) 0x80), "UTF-8");
		assertMalformed(withBytes("{\"data\":{\"x\":\"", "\"}}", (byte) 0xFF), "UTF-8");
	}

	private static byte[] withBytes(String before, String after) {
		return withBytes(before, after, (byte) 0xC3, (byte) 0x28);
	}

	private static byte[] withBytes(String before, String after, byte... bad) {
		byte[] head = before.getBytes(StandardCharsets.UTF_8);
		byte[] tail = after.getBytes(StandardCharsets.UTF_8);
		byte[] body = new byte[head.length + bad.length + tail.length];
		System.arraycopy(head, 0, body, 0, head.length);
		System.arraycopy(bad, 0, body, head.length, bad.length);
		System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
		return body;
	}

	private IngestRequest parse(String body) {
		return this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
	}

	private void assertMalformed(String body, String message) {
		assertMalformed(body.getBytes(StandardCharsets.UTF_8), message);
	}

	private void assertMalformed(byte[] body, String message) {
		assertThatExceptionOfType(Rejection.class).isThrownBy(() -> this.parser.parse(body))
			.satisfies(Rejections.rejected("malformed-request"))
			.withMessageContaining(message);
	}

}

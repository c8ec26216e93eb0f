package dev.pipeline.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The UTF-8 check refuses what strict decoding refuses, without building the text, across
 * its internal buffer's boundaries too.
 */
class BodyTextTests {

	@Test
	void passesWellFormedUtf8OfAnyLength() {
		byte[] body = ("{\"data\":{\"x\":\"" + "é✉😀".repeat(5000) + "\"}}").getBytes(StandardCharsets.UTF_8);
		assertThatCode(() -> BodyText.check(body)).doesNotThrowAnyException();
	}

	@Test
	void refusesMalformedBytesWhereverTheyAre() {
		byte[][] bad = { { (byte) 0xC3, 0x28 }, { (byte) 0xC0, (byte) 0xAF }, { (byte) 0xED, (byte) 0xA0, (byte) 0x80 },
				{ (byte) 0xFF }, { (byte) 0xC3 } };
		for (byte[] bytes : bad) {
			for (int at : new int[] { 0, 4095, 4096, 9000 }) {
				byte[] body = new byte[at + bytes.length];
				Arrays.fill(body, 0, at, (byte) ' ');
				System.arraycopy(bytes, 0, body, at, bytes.length);
				assertThatExceptionOfType(Rejection.class).isThrownBy(() -> BodyText.check(body))
					.satisfies(Rejections.rejected("malformed-request"))
					.withMessageContaining("UTF-8");
			}
		}
	}

	@Test
	void refusesNul() {
		assertThatExceptionOfType(Rejection.class)
			.isThrownBy(() -> BodyText.check("{\"data\":{}}".getBytes(StandardCharsets.UTF_16)))
			.satisfies(Rejections.rejected("malformed-request"))
			.withMessageContaining("NUL");
	}

}

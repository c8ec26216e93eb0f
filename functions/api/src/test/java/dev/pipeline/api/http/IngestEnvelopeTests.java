package dev.pipeline.api.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.pipeline.api.ingest.MalformedRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The envelope's UTF-8 check refuses what strict decoding refuses, without building the
 * text, across its internal buffer's boundaries too.
 */
class IngestEnvelopeTests {

	private final IngestEnvelope envelope = new IngestEnvelope(1024 * 1024);

	@Test
	void passesWellFormedUtf8OfAnyLength() {
		byte[] body = ("{\"data\":{\"x\":\"" + "é✉😀".repeat(5000) + "\"}}").getBytes(StandardCharsets.UTF_8);
		assertThat(this.envelope.check(body)).isSameAs(body);
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
				assertThatExceptionOfType(MalformedRequestException.class).isThrownBy(() -> this.envelope.check(body))
					.withMessageContaining("UTF-8");
			}
		}
	}

	@Test
	void refusesNul() {
		assertThatExceptionOfType(MalformedRequestException.class)
			.isThrownBy(() -> this.envelope.check("{\"data\":{}}".getBytes(StandardCharsets.UTF_16)))
			.withMessageContaining("NUL");
	}

}

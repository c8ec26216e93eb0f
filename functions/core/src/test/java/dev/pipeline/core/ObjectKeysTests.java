package dev.pipeline.core;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ObjectKeysTests {

	private final ObjectKeys keys = new ObjectKeys(ObjectKeys.DEFAULT_PREFIX);

	@Test
	void datesTheKeyByTheUtcDateOfIngestion() {
		assertThat(this.keys.keyFor(Instant.parse("2026-11-27T10:15:30.123Z"), "abc-123"))
			.isEqualTo("emails/2026/11/27/abc-123.json");
	}

	@Test
	void padsMonthAndDay() {
		assertThat(this.keys.keyFor(Instant.parse("2026-01-05T00:00:00Z"), "m")).isEqualTo("emails/2026/01/05/m.json");
	}

	@Test
	void usesUtcAcrossMidnight() {
		assertThat(this.keys.keyFor(Instant.parse("2026-12-31T23:59:59.999Z"), "m"))
			.isEqualTo("emails/2026/12/31/m.json");
		assertThat(this.keys.keyFor(Instant.parse("2027-01-01T00:00:00.000Z"), "m"))
			.isEqualTo("emails/2027/01/01/m.json");
	}

	@Test
	void acceptsEmptyAndNestedPrefixes() {
		assertThat(new ObjectKeys("").keyFor(Instant.EPOCH, "m")).isEqualTo("1970/01/01/m.json");
		assertThat(new ObjectKeys("archive/mail/").keyFor(Instant.EPOCH, "m"))
			.isEqualTo("archive/mail/1970/01/01/m.json");
	}

	@Test
	void rejectsPrefixesThatAreNotPaths() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ObjectKeys("emails")).withMessageContaining("'/'");
		assertThatIllegalArgumentException().isThrownBy(() -> new ObjectKeys("/emails/"));
		assertThatIllegalArgumentException().isThrownBy(() -> new ObjectKeys("a//"));
		assertThatIllegalArgumentException().isThrownBy(() -> new ObjectKeys("../"));
	}

	@Test
	void rejectsMessageIdsThatWouldEscapeTheDay() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.keyFor(Instant.EPOCH, "a/b"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.keyFor(Instant.EPOCH, ""));
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.keyFor(Instant.EPOCH, ".."));
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.keyFor(Instant.EPOCH, "a b"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.keys.keyFor(Instant.EPOCH, "a".repeat(129)));
		assertThat(this.keys.keyFor(Instant.EPOCH, "a".repeat(128))).endsWith("/" + "a".repeat(128) + ".json");
	}

}

package dev.pipeline.core;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdsTests {

	private static final byte[] DATA = "{\"email_timestream\":1764201600}".getBytes(StandardCharsets.UTF_8);

	@Test
	void givesTheSameIdForTheSameKeyAndData() {
		assertThat(MessageIds.forRetry("order-42", DATA)).isEqualTo(MessageIds.forRetry("order-42", DATA.clone()));
	}

	@Test
	void givesAnotherIdWhenTheKeyOrTheDataDiffer() {
		String id = MessageIds.forRetry("order-42", DATA);
		assertThat(MessageIds.forRetry("order-43", DATA)).isNotEqualTo(id);
		assertThat(
				MessageIds.forRetry("order-42", "{\"email_timestream\":1764201601}".getBytes(StandardCharsets.UTF_8)))
			.isNotEqualTo(id);
	}

	@Test
	void doesNotLetKeyAndDataShareTheirBytesAnotherWay() {
		assertThat(MessageIds.forRetry("ab", "c".getBytes(StandardCharsets.US_ASCII)))
			.isNotEqualTo(MessageIds.forRetry("a", "bc".getBytes(StandardCharsets.US_ASCII)));
	}

	@Test
	void namesRetriesWithVersion5UuidsAndNewMessagesWithVersion4() {
		UUID retry = UUID.fromString(MessageIds.forRetry("k", DATA));
		assertThat(retry.version()).isEqualTo(5);
		assertThat(retry.variant()).isEqualTo(2);
		UUID fresh = UUID.fromString(MessageIds.random());
		assertThat(fresh.version()).isEqualTo(4);
		assertThat(ObjectKeys.isMessageId(retry.toString())).isTrue();
	}

	@Test
	void givesEveryNewMessageItsOwnId() {
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			ids.add(MessageIds.random());
		}
		assertThat(ids).hasSize(10_000);
	}

	@Test
	void computesTheRfc9562Version5Example() {
		// RFC 9562, appendix A.4: the DNS namespace and the name www.example.com.
		UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
		assertThat(MessageIds.nameBased(dns, "www.example.com".getBytes(StandardCharsets.US_ASCII)))
			.isEqualTo(UUID.fromString("2ed6657d-e927-568b-95e1-2665a8aea6a2"));
	}

}

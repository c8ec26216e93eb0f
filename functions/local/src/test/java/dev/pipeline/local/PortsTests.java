package dev.pipeline.local;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import dev.pipeline.local.LocalPipeline.Ports;
import dev.pipeline.testsupport.IntegrationTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A run refuses to start on a port that an earlier run's API or worker still holds,
 * rather than take that process's health for its own.
 */
@IntegrationTest
class PortsTests {

	@Test
	void aTakenPortStopsTheRunBeforeAnythingStarts() throws Exception {
		try (ServerSocket earlierApi = new ServerSocket()) {
			earlierApi.bind(new InetSocketAddress("127.0.0.1", 0));
			int taken = earlierApi.getLocalPort();
			assertThatIllegalStateException().isThrownBy(() -> new Ports(taken, 0, 0, 0, 0).requireFree())
				.withMessageContaining("Port " + taken + " (api) is in use")
				.withMessageContaining("earlier run");
		}
	}

	@Test
	void freeAndAnyPortsPass() throws Exception {
		int free;
		try (ServerSocket probe = new ServerSocket(0)) {
			free = probe.getLocalPort();
		}
		int port = free;
		assertThatCode(() -> new Ports(0, port, 0, 0, 0).requireFree()).doesNotThrowAnyException();
		assertThatCode(() -> Ports.any().requireFree()).doesNotThrowAnyException();
	}

}

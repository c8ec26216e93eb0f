package dev.pipeline.core;

import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ParentWatchTests {

	@Test
	void stopsTheServiceWhenTheParentsEndOfThePipeCloses() throws Exception {
		PipedOutputStream parent = new PipedOutputStream();
		PipedInputStream child = new PipedInputStream(parent);
		CountDownLatch stopped = new CountDownLatch(1);
		Thread watch = ParentWatch.watch(child, stopped::countDown);

		parent.write('x');
		parent.flush();
		assertThat(stopped.getCount()).as("still running while the parent holds the pipe").isEqualTo(1);
		parent.close();

		assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
		watch.join(10_000);
		assertThat(watch.isAlive()).isFalse();
	}

}

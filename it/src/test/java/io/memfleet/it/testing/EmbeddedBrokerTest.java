package io.memfleet.it.testing;

import io.memfleet.broker.EmbeddedKafka;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Base of integration tests that share one real (embedded KRaft) broker per test class. */
public abstract class EmbeddedBrokerTest {
    @TempDir
    static Path brokerDir;
    protected static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafka.start(brokerDir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}

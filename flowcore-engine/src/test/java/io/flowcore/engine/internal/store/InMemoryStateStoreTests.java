package io.flowcore.engine.internal.store;

import io.flowcore.api.spi.StateStore;
import org.junit.jupiter.api.Assumptions;

class InMemoryStateStoreTests extends StateStoreContractTests {
    @Override
    protected StateStore open() {
        return StoreFactory.inMemory();
    }

    @Override
    protected StateStore reopen(StateStore old) {
        return Assumptions.abort("an in-memory store keeps nothing once closed");
    }
}

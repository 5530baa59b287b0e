package io.flowcore.server;

import io.flowcore.api.block.Block;
import io.flowcore.api.block.BlockTypeProvider;
import io.flowcore.api.block.Notification;
import io.flowcore.api.block.NotifierBlock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A notifier block type for the server's tests of notification rules: it keeps what it is sent. */
public final class TestNotifiers implements BlockTypeProvider {
    static final List<Notification> SENT = new CopyOnWriteArrayList<>();

    @Override
    public List<Class<? extends Block>> blockTypes() {
        return List.of(RecordingNotifier.class);
    }

    public record RecordingNotifier(String channel) implements NotifierBlock {
        @Override
        public void send(Notification notification) {
            SENT.add(notification);
        }
    }
}

/** Notification rules and their outbox events: flow runs entering states notify notifier blocks, durably. */
package io.flowcore.api.notification;

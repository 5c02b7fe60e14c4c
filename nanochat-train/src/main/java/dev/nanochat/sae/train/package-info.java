/** Module nanochat-train. */
package dev.nanochat.sae.train;

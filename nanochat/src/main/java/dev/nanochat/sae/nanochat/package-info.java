/** Module nanochat. */
package dev.nanochat.sae.nanochat;

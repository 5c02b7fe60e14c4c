/** Module corpus. */
package dev.nanochat.sae.corpus;

/** SAE math, training and on-disk formats: plain Java over DJL, no framework. */
package dev.nanochat.sae.core;

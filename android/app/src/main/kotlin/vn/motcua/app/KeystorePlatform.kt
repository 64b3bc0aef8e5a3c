package vn.motcua.app

import android.content.Context
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.util.Base64
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import vn.motcua.Platform
import vn.motcua.PlatformException

/**
 * The core's secure storage on Android: each secret (session tokens, the profile's data
 * key) is encrypted with AES-256-GCM under a key that lives in the AndroidKeyStore (in the
 * TEE or StrongBox where the phone has one, never exportable), and the ciphertext is kept
 * in private shared preferences. The secret's name is bound to its ciphertext as
 * associated data, so ciphertexts cannot be swapped between names.
 *
 * Called by the core from its own threads; every failure is a [PlatformException], which
 * the core turns into a typed storage error instead of a crash.
 */
class KeystorePlatform(context: Context) : Platform {
    private val prefs = context.getSharedPreferences("motcua-secure", Context.MODE_PRIVATE)

    private fun key(): SecretKey {
        val store = KeyStore.getInstance(KEYSTORE).apply { load(null) }
        (store.getKey(ALIAS, null) as? SecretKey)?.let { return it }
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, KEYSTORE)
        generator.init(
            KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
                .build(),
        )
        return generator.generateKey()
    }

    override fun secureGet(key: String): ByteArray? = guarded {
        val stored = prefs.getString(key, null) ?: return@guarded null
        val bytes = Base64.decode(stored, Base64.NO_WRAP)
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(128, bytes, 0, IV_BYTES))
        cipher.updateAAD(key.toByteArray(Charsets.UTF_8))
        cipher.doFinal(bytes, IV_BYTES, bytes.size - IV_BYTES)
    }

    override fun secureSet(key: String, value: ByteArray) = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // The Keystore chooses the IV (callers may not supply one for GCM encryption).
        cipher.init(Cipher.ENCRYPT_MODE, key())
        cipher.updateAAD(key.toByteArray(Charsets.UTF_8))
        val sealed = cipher.iv + cipher.doFinal(value)
        check(prefs.edit().putString(key, Base64.encodeToString(sealed, Base64.NO_WRAP)).commit()) { "not written" }
    }

    override fun secureDelete(key: String) = guarded {
        check(prefs.edit().remove(key).commit()) { "not written" }
    }

    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: Exception) {
        // The reason names the failing operation's class only: never the secret or its name.
        throw PlatformException.Failed("keystore: ${e.javaClass.simpleName}")
    }

    private companion object {
        const val KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "motcua-secrets-v1"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
    }
}

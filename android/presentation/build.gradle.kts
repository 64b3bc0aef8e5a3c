// The presentation layer: view-models, UI state and formatting in plain Kotlin. Its
// sources import nothing from android.*; presentation/pom.xml compiles and tests the same
// sources on a plain JVM (no Android SDK), which is what proves it. It is an Android
// library here only because the Android flavour of the generated bindings it builds on
// (module :bindings) is one.
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

android {
    namespace = "vn.motcua.presentation"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    api(project(":bindings"))
    api(libs.kotlinx.coroutines.core)
}

// src/test/kotlin holds the JVM tests run by presentation/pom.xml (JUnit 5 against the host
// library and a real portal); they are not Android unit tests.
androidComponents {
    beforeVariants { variant -> variant.enableUnitTest = false }
}
